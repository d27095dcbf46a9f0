package io.github.actas.keycloak.token;

import java.io.IOException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.EventBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.AccessTokenIntrospectionProvider;
import org.keycloak.representations.AccessToken;
import org.keycloak.util.JsonSerialization;

/**
 * Keycloak's access-token introspection, unchanged, except that for tokens of an Act-As session the
 * {@code act} member is the session's full RFC 8693 claim, and a group session's answer names the group
 * ({@code act_as_group}, {@code username}). (Keycloak itself writes
 * {@code {"sub": <impersonator username>}} there, which would contradict the token.)
 */
final class ActAsIntrospectionProvider extends AccessTokenIntrospectionProvider<AccessToken> {

    ActAsIntrospectionProvider(KeycloakSession session) {
        super(session);
    }

    @Override
    public Response introspect(String token, EventBuilder eventBuilder) {
        Response response = super.introspect(token, eventBuilder);
        if (response.getStatus() != 200 || !(response.getEntity() instanceof byte[] body)
                || !ActAsSession.isActAs(userSession)) {
            return response;
        }
        try {
            ObjectNode metadata = (ObjectNode) JsonSerialization.mapper.readTree(body);
            if (!metadata.path("active").asBoolean(false)) {
                return response;
            }
            ActAsSession notes = ActAsSession.of(userSession);
            metadata.set(ActClaim.CLAIM, JsonSerialization.mapper.valueToTree(ActClaim.of(notes)));
            GroupClaim.stamp(metadata, notes);
            return Response.ok(JsonSerialization.writeValueAsBytes(metadata)).type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (IOException | ClassCastException e) {
            return response;
        }
    }
}
