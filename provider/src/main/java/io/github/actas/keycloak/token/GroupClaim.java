package io.github.actas.keycloak.token;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.actas.keycloak.audit.AuditRecord;
import org.keycloak.representations.IDToken;

/**
 * What names the group in tokens of a group-mode session: {@code preferred_username} = {@code group:<path>}
 * (instead of the principal's technical username) and {@code act_as_group} = {@code {"id","path"}}. Set
 * after every mapper, like {@code act}; any other token loses an {@code act_as_group} a mapper put there.
 */
public final class GroupClaim {

    public static final String CLAIM = "act_as_group";
    /** {@code preferred_username} of a group principal's tokens is this followed by the group's path. */
    public static final String USERNAME_PREFIX = "group:";

    /** The claims a group token does not carry from its principal's profile. */
    private static final List<String> PROFILE_CLAIMS = List.of("preferred_username", "name", "given_name", "family_name",
            "email", "email_verified");

    private GroupClaim() {
    }

    static Map<String, Object> of(AuditRecord.Group group) {
        Map<String, Object> claim = new LinkedHashMap<>();
        claim.put("id", group.id());
        claim.put("path", group.path());
        return claim;
    }

    /** Names the session's group on a token (access, ID or userinfo), or removes a forged claim. */
    static void stamp(IDToken token, ActAsSession notes) {
        AuditRecord.Group group = notes == null ? null : notes.group();
        if (group == null) {
            token.getOtherClaims().remove(CLAIM);
            return;
        }
        // Mappers write these as other claims, which would be serialized after (and win over) the fields.
        PROFILE_CLAIMS.forEach(token.getOtherClaims()::remove);
        token.setPreferredUsername(USERNAME_PREFIX + group.path());
        token.setOtherClaims(CLAIM, of(group));
        // The principal's profile holds placeholders only (see GroupPrincipals): a group has no name or address.
        token.setName(null);
        token.setGivenName(null);
        token.setFamilyName(null);
        token.setEmail(null);
        token.setEmailVerified(null);
    }

    /** The same, on an introspection answer. */
    static void stamp(ObjectNode introspection, ActAsSession notes) {
        AuditRecord.Group group = notes.group();
        if (group == null) {
            introspection.remove(CLAIM);
            return;
        }
        introspection.remove(PROFILE_CLAIMS);
        introspection.put("preferred_username", USERNAME_PREFIX + group.path());
        introspection.put("username", USERNAME_PREFIX + group.path());
        ObjectNode claim = introspection.putObject(CLAIM);
        claim.put("id", group.id());
        claim.put("path", group.path());
    }
}
