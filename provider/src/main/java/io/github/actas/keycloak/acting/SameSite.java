package io.github.actas.keycloak.acting;

import java.net.URI;

import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.models.KeycloakSession;

/**
 * Whether a request to an endpoint that trusts the browser's Keycloak cookie comes from another site: such
 * requests are refused, so no other site can make a signed-in browser act (cross-site request forgery).
 */
public final class SameSite {

    private SameSite() {
    }

    /**
     * Browsers say where a request comes from in Sec-Fetch-Site; a present Origin must be ours (or "null", which
     * Keycloak's no-referrer pages send for their own form posts).
     */
    public static boolean crossSite(KeycloakSession session) {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        String site = headers.getHeaderString("Sec-Fetch-Site");
        if (site != null && !"same-origin".equals(site) && !"none".equals(site)) {
            return true;
        }
        String origin = headers.getHeaderString("Origin");
        return origin != null && !"null".equals(origin) && !origin.equals(originOf(session.getContext().getUri().getBaseUri()));
    }

    private static String originOf(URI uri) {
        int port = uri.getPort();
        return uri.getScheme() + "://" + uri.getHost() + (port == -1 ? "" : ":" + port);
    }
}
