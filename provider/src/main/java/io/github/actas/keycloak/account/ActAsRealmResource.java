package io.github.actas.keycloak.account;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.actas.keycloak.acting.ActAsRequestParameters;
import io.github.actas.keycloak.acting.CarriedActorSession;
import io.github.actas.keycloak.acting.SameSite;
import io.github.actas.keycloak.acting.SessionEnds;
import io.github.actas.keycloak.audit.EndReason;
import io.github.actas.keycloak.token.ActAsSession;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.keycloak.OAuth2Constants;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.Constants;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolService;
import org.keycloak.protocol.oidc.utils.RedirectUtils;
import org.keycloak.services.Urls;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The browser door's public endpoints at {@code /realms/{realm}/act-as}: the acting status (for the
 * banner), Stop, the start of an act-as sign-in for the account console, the list of people the
 * signed-in person may act as, and the banner script. All of them work from the browser's Keycloak
 * SSO cookie, so they are same-origin only: no CORS headers are ever sent.
 */
public final class ActAsRealmResource {

    private static final CacheControl NO_STORE = CacheControl.valueOf("no-store");

    private final KeycloakSession session;
    private final RealmModel realm;

    ActAsRealmResource(KeycloakSession session) {
        this.session = session;
        this.realm = session.getContext().getRealm();
    }

    /** Whether the browser is acting as someone: what the banner shows. */
    @GET
    @Path("status")
    @Produces(MediaType.APPLICATION_JSON)
    public Response status() {
        AuthenticationManager.AuthResult sso = sso();
        Map<String, Object> body = new LinkedHashMap<>();
        ActAsSession notes = sso == null ? null : ActAsSession.of(sso.session());
        body.put("signedIn", sso != null);
        body.put("acting", notes != null);
        if (sso != null) {
            // What the banner names: the user, or "group /path" for a group's principal.
            body.put("username", notes != null && notes.group() != null ? "group " + notes.group().path()
                    : sso.user().getUsername());
        }
        if (notes != null && notes.group() != null) {
            body.put("group", Map.of("id", notes.group().id(), "path", notes.group().path()));
        }
        if (notes != null) {
            body.put("actor", notes.actorUsername());
            body.put("grant", notes.grantName());
            body.put("expires", notes.expires());
            // The banner counts down from the server's clock, not the browser's.
            body.put("secondsLeft", Math.max(0, notes.expires() - Time.currentTime()));
            body.put("stopUrl", base().path("stop").buildFromMap(Map.of("realm", realm.getName())).toString());
            body.put("stopToken", sso.session().getNote(ActAsSession.STOP_SECRET));
        }
        return json(Response.ok(body));
    }

    /**
     * Ends the browser's Act-As session and signs the browser back in to the actor's own session when
     * it is still valid (otherwise the next page asks the actor to sign in). A form POST from the banner,
     * carrying the session's stop secret, which only a same-origin page can read from {@link #status}
     * and which nothing an application or a token sees can be derived from. Cross-site requests are
     * refused as well (Keycloak's pages send no referrer, so their form posts carry Origin "null").
     */
    @POST
    @Path("stop")
    public Response stop(@QueryParam("redirect_uri") String redirectUri, @QueryParam("client_id") String clientId,
                         @FormParam("token") String token) {
        if (SameSite.crossSite(session)) {
            return error(Response.Status.FORBIDDEN, "cross-site stop requests are refused");
        }
        URI next = afterStop(redirectUri, clientId);
        if (next == null) {
            return error(Response.Status.BAD_REQUEST, "redirect_uri is not a valid redirect URI of client_id");
        }
        AuthenticationManager.AuthResult sso = sso();
        ActAsSession notes = sso == null ? null : ActAsSession.of(sso.session());
        if (notes == null) {
            return Response.seeOther(next).cacheControl(NO_STORE).build();
        }
        UserSessionModel acting = sso.session();
        String secret = acting.getNote(ActAsSession.STOP_SECRET);
        if (token == null || secret == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                secret.getBytes(StandardCharsets.UTF_8))) {
            return error(Response.Status.FORBIDDEN, "the stop token is missing or wrong; use the Stop button of the banner");
        }
        String actorSessionId = acting.getNote(CarriedActorSession.ACTOR_SESSION_NOTE);
        UserModel actor = notes.actorId() == null ? null : session.users().getUserById(realm, notes.actorId());
        // Recorded as stopped, with its LOGOUT event (whose listener then finds the session already ended).
        new SessionEnds(session).end(realm, acting.getId(), EndReason.STOPPED, actor);

        UserSessionModel actorSession = actorSessionId == null ? null : session.sessions().getUserSession(realm, actorSessionId);
        if (CarriedActorSession.returnable(realm, actorSession, notes.actorId())) {
            AuthenticationManager.createLoginCookie(session, realm, actorSession.getUser(), actorSession,
                    session.getContext().getUri(), session.getContext().getConnection());
        } else {
            AuthenticationManager.expireIdentityCookie(session);
        }
        return Response.seeOther(next).cacheControl(NO_STORE).build();
    }

    /**
     * Starts an act-as sign-in for the account console: a redirect to the authorization endpoint with
     * {@code act_as}. The code it ends with is never redeemed; what matters is the browser's new session,
     * which the account console then signs in to as usual.
     */
    @GET
    @Path("start")
    public Response start(@QueryParam("act_as") String target, @QueryParam("act_as_group") String group) {
        boolean asGroup = group != null;
        if (asGroup == (target != null)) {
            return error(Response.Status.BAD_REQUEST, "give act_as (a user) or act_as_group (a group), one of them");
        }
        String name = asGroup ? group : target;
        if (name.isBlank() || name.length() > (asGroup ? 1000 : 255)) {
            return error(Response.Status.BAD_REQUEST, "act_as must name the user, act_as_group the group to act as");
        }
        ClientModel console = realm.getClientByClientId(Constants.ACCOUNT_CONSOLE_CLIENT_ID);
        if (console == null || !console.isEnabled()) {
            return error(Response.Status.NOT_FOUND, "the account console is not available in this realm");
        }
        String verifier = SecretGenerator.getInstance().randomString(64);
        // Every value goes in as a template value, never as template text: a value such as "{x}" stays data.
        Map<String, Object> values = new HashMap<>();
        values.put("realm", realm.getName());
        values.put("clientId", console.getClientId());
        values.put("redirectUri", accountConsole().toString());
        values.put("state", SecretGenerator.getInstance().randomString(22));
        values.put("challenge", s256(verifier));
        values.put("actAs", name.trim());
        URI authorize = OIDCLoginProtocolService.authUrl(session.getContext().getUri().getBaseUriBuilder())
                .queryParam(OAuth2Constants.CLIENT_ID, "{clientId}")
                .queryParam(OAuth2Constants.REDIRECT_URI, "{redirectUri}")
                .queryParam(OAuth2Constants.RESPONSE_TYPE, OAuth2Constants.CODE)
                .queryParam(OIDCLoginProtocol.RESPONSE_MODE_PARAM, "query") // as the account console itself: it then strips the unknown code
                .queryParam(OAuth2Constants.SCOPE, "openid")
                .queryParam(OAuth2Constants.STATE, "{state}")
                .queryParam(OAuth2Constants.CODE_CHALLENGE, "{challenge}")
                .queryParam(OAuth2Constants.CODE_CHALLENGE_METHOD, OAuth2Constants.PKCE_METHOD_S256)
                .queryParam(asGroup ? ActAsRequestParameters.ACT_AS_GROUP : ActAsRequestParameters.ACT_AS, "{actAs}")
                .buildFromMap(values);
        return Response.seeOther(authorize).cacheControl(NO_STORE).build();
    }

    /** Whom the signed-in person may act as (the account console's Impersonation page). */
    @GET
    @Path("targets")
    @Produces(MediaType.APPLICATION_JSON)
    public Response targets(@QueryParam("search") String search, @QueryParam("first") Integer first,
                            @QueryParam("after") Integer after, @QueryParam("max") Integer max) {
        return page(search, first, after, max, new TargetList(session, realm)::page);
    }

    /** Which groups the signed-in person may act as (the Groups part of the Impersonation page). */
    @GET
    @Path("groups")
    @Produces(MediaType.APPLICATION_JSON)
    public Response groups(@QueryParam("search") String search, @QueryParam("first") Integer first,
                           @QueryParam("after") Integer after, @QueryParam("max") Integer max) {
        return page(search, first, after, max, new GroupList(session, realm)::page);
    }

    /**
     * Who acted as the signed-in person, from the audit store ({@link ActedAsMe}). Not while acting: the person
     * signed in then is the actor, and what others did as the target is not theirs to read.
     */
    @GET
    @Path("acted-as-me")
    @Produces(MediaType.APPLICATION_JSON)
    public Response actedAsMe(@QueryParam("first") Integer first, @QueryParam("max") Integer max) {
        AuthenticationManager.AuthResult sso = sso();
        if (sso != null && ActAsSession.isActAs(sso.session())) {
            return error(Response.Status.FORBIDDEN, "this page shows who acted as you: stop acting first");
        }
        return page(null, first, null, max, (person, acting, search, from, cursor, size) ->
                new ActedAsMe(session, realm).page(person, from, size));
    }

    /** One page of a list of the signed-in person's: {@link TargetList}, {@link GroupList} or {@link ActedAsMe}. */
    private interface Lister {
        Map<String, Object> page(UserModel person, boolean acting, String search, int first, int after, int max);
    }

    private Response page(String search, Integer first, Integer after, Integer max, Lister lister) {
        AuthenticationManager.AuthResult sso = sso();
        if (sso == null) {
            return error(Response.Status.UNAUTHORIZED, "sign in to the account console first");
        }
        int from = first == null ? 0 : first;
        int size = max == null ? 20 : max;
        int cursor = after == null ? 0 : after;
        if (from < 0 || cursor < 0 || size < 1 || size > 100 || search != null && search.length() > 100) {
            return error(Response.Status.BAD_REQUEST,
                    "first and after must be ≥ 0, max between 1 and 100, search at most 100 characters");
        }
        if (from > 0 && cursor > 0) {
            return error(Response.Status.BAD_REQUEST, "page by first or by after (the cursor of the previous page), not both");
        }
        return json(Response.ok(lister.page(sso.user(), ActAsSession.isActAs(sso.session()), search, from, cursor, size)));
    }

    /** The banner shown on login and account pages while acting (loaded by the Act-As themes). */
    @GET
    @Path("banner.js")
    @Produces("text/javascript")
    public Response banner() {
        try (InputStream in = ActAsRealmResource.class.getResourceAsStream("/act-as/banner.js")) {
            if (in == null) {
                return error(Response.Status.NOT_FOUND, "banner script missing from the jar");
            }
            return Response.ok(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .cacheControl(CacheControl.valueOf("max-age=300"))
                    .build();
        } catch (IOException e) {
            return error(Response.Status.NOT_FOUND, "banner script unreadable");
        }
    }

    private URI afterStop(String redirectUri, String clientId) {
        if (redirectUri == null) {
            return accountConsole();
        }
        ClientModel client = clientId == null || clientId.length() > 255 ? null : realm.getClientByClientId(clientId);
        String verified = client == null ? null : RedirectUtils.verifyRedirectUri(session, redirectUri, client);
        try {
            return verified == null ? null : URI.create(verified);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private URI accountConsole() {
        return Urls.accountBase(session.getContext().getUri().getBaseUri()).path("/").buildFromMap(Map.of("realm", realm.getName()));
    }

    private UriBuilder base() {
        return session.getContext().getUri().getBaseUriBuilder().path("realms").path("{realm}").path("act-as");
    }

    private AuthenticationManager.AuthResult sso() {
        return AuthenticationManager.authenticateIdentityCookie(session, realm, true);
    }


    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static Response json(Response.ResponseBuilder builder) {
        return builder.type(MediaType.APPLICATION_JSON_TYPE).cacheControl(NO_STORE)
                .header("X-Content-Type-Options", "nosniff").build();
    }

    private static Response error(Response.Status status, String description) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", status == Response.Status.UNAUTHORIZED ? "not_signed_in"
                : status == Response.Status.FORBIDDEN ? "forbidden"
                : status == Response.Status.NOT_FOUND ? "not_found" : "invalid_request");
        body.put("error_description", description);
        return json(Response.status(status).entity(body));
    }
}
