package io.github.actas.keycloak.token;

import java.util.ArrayList;
import java.util.List;

import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.mappers.AbstractOIDCProtocolMapper;
import org.keycloak.protocol.oidc.mappers.OIDCIDTokenMapper;
import org.keycloak.protocol.oidc.mappers.UserInfoTokenMapper;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;

/**
 * Puts the RFC 8693 {@code act} claim (and the hard-end cap of {@code exp}) into ID tokens issued from
 * an Act-As session through the browser, and {@code act} into userinfo answers: Keycloak's token
 * post-processors see access and refresh tokens only. For a group session it also names the group
 * ({@code preferred_username} = {@code group:<path>}, {@code act_as_group}). It runs after every other mapper (highest priority number), so a mapper that writes
 * {@code act} cannot forge or hide the actor. Add it to a default client scope (the demo realm's
 * {@code act-as} scope does).
 */
public final class ActClaimMapper extends AbstractOIDCProtocolMapper implements OIDCIDTokenMapper, UserInfoTokenMapper {

    public static final String PROVIDER_ID = "act-as-act-claim";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Act-As actor (act claim)";
    }

    @Override
    public String getDisplayCategory() {
        return TOKEN_MAPPER_CATEGORY;
    }

    @Override
    public String getHelpText() {
        return "Adds the RFC 8693 act claim naming the real actor to ID tokens and userinfo of Act-As sessions (access"
                + " tokens get it without a mapper), and names the group of group sessions. Runs last, so no other mapper"
                + " can overwrite it.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return new ArrayList<>();
    }

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE; // after every other mapper
    }

    @Override
    public IDToken transformIDToken(IDToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                    UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        ActAsSession notes = ActAsSession.of(userSession);
        if (notes != null) {
            ActClaim.stamp(token, notes);
        } else {
            forget(token);
        }
        return token;
    }

    @Override
    public AccessToken transformUserInfoToken(AccessToken token, ProtocolMapperModel mappingModel, KeycloakSession session,
                                              UserSessionModel userSession, ClientSessionContext clientSessionCtx) {
        ActAsSession notes = ActAsSession.of(userSession);
        if (notes != null) {
            token.setOtherClaims(ActClaim.CLAIM, ActClaim.of(notes)); // userinfo has no exp to cap
            GroupClaim.stamp(token, notes);
        } else {
            forget(token);
        }
        return token;
    }

    /** Only Act-As says who acted and as which group. */
    private static void forget(IDToken token) {
        token.getOtherClaims().remove(ActClaim.CLAIM);
        token.getOtherClaims().remove(GroupClaim.CLAIM);
    }
}
