package io.github.actas.keycloak.admin;

import io.github.actas.keycloak.acting.BrowserFlowSetup;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;

/**
 * {@code /act-as/setup/browser-flow}: the browser door in one step ({@link BrowserFlowSetup}). {@code POST
 * ?dryRun=true} answers the plan, {@code POST} applies it, {@code DELETE} undoes it; manage-realm. A refusal
 * (409) changes nothing.
 */
public final class SetupResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAccess access;
    private final AdminEventBuilder adminEvent;

    SetupResource(KeycloakSession session, RealmModel realm, AdminAccess access, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.access = access;
        this.adminEvent = adminEvent;
    }

    @POST
    @Path("browser-flow")
    @Produces(MediaType.APPLICATION_JSON)
    public Response setUp(@QueryParam("dryRun") boolean dryRun, @QueryParam("themes") Boolean themes) {
        if (!access.canChangeSignIn()) {
            return AdminErrors.forbidden("setting up the browser flow needs manage-realm");
        }
        boolean withThemes = themes == null || themes;
        try {
            BrowserFlowSetup setup = new BrowserFlowSetup(session, realm);
            BrowserFlowSetup.Plan plan = dryRun ? setup.plan(withThemes) : setup.apply(withThemes);
            if (!dryRun) {
                event(OperationType.UPDATE, plan);
            }
            return Response.ok(StrictJson.write(BrowserFlowSetup.json(plan, dryRun)), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (BrowserFlowSetup.Conflict e) {
            session.getTransactionManager().setRollbackOnly(); // nothing half-done stays
            return AdminErrors.conflict("browserFlow", e.getMessage());
        }
    }

    @DELETE
    @Path("browser-flow")
    @Produces(MediaType.APPLICATION_JSON)
    public Response undo() {
        if (!access.canChangeSignIn()) {
            return AdminErrors.forbidden("undoing the browser flow set-up needs manage-realm");
        }
        try {
            BrowserFlowSetup.Plan plan = new BrowserFlowSetup(session, realm).undo();
            event(OperationType.DELETE, plan);
            return Response.ok(StrictJson.write(BrowserFlowSetup.json(plan, false)), MediaType.APPLICATION_JSON_TYPE).build();
        } catch (BrowserFlowSetup.Conflict e) {
            session.getTransactionManager().setRollbackOnly();
            return AdminErrors.conflict("browserFlow", e.getMessage());
        }
    }

    private void event(OperationType operation, BrowserFlowSetup.Plan plan) {
        adminEvent.operation(operation).resource(ResourceType.AUTH_FLOW)
                .resourcePath("act-as", "setup", "browser-flow")
                .representation(BrowserFlowSetup.json(plan, false)).success();
    }
}
