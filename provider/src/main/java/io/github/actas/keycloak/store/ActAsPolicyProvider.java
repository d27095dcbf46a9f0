package io.github.actas.keycloak.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.github.actas.keycloak.policy.ActAsRequest;
import io.github.actas.keycloak.policy.Decision;
import io.github.actas.keycloak.policy.Directory;
import io.github.actas.keycloak.policy.Grant;
import io.github.actas.keycloak.policy.GrantValidationException;
import io.github.actas.keycloak.policy.Policy;
import io.github.actas.keycloak.policy.PolicyCache;
import io.github.actas.keycloak.policy.PolicySettings;
import io.github.actas.keycloak.policy.Principal;
import io.github.actas.keycloak.policy.RealmCatalog;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.component.ComponentModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * Session-scoped entry to the policy: the realm's compiled {@link Policy} (from this node's cache,
 * recompiled when the grants revision changes) and the Keycloak-backed pieces a door needs to build
 * an {@link ActAsRequest}. Every door and the explain endpoint go through {@link #decide}.
 */
public final class ActAsPolicyProvider implements Provider {

    private static final Logger LOG = Logger.getLogger(ActAsPolicyProvider.class);

    private final KeycloakSession session;
    private final PolicyCache cache;
    private final PolicySettings settings;
    private final String adminRealmName;

    ActAsPolicyProvider(KeycloakSession session, PolicyCache cache, PolicySettings settings, String adminRealmName) {
        this.session = session;
        this.cache = cache;
        this.settings = settings;
        this.adminRealmName = adminRealmName;
    }

    public PolicySettings settings() {
        return settings;
    }

    /** The realm's live policy, compiled once per change of its grants. */
    public Policy policy(RealmModel realm) {
        String revision = GrantsRevision.of(realm);
        return cache.get(realm.getId(), revision, () -> compile(realm, revision));
    }

    private Policy compile(RealmModel realm, String revision) {
        Policy policy = Policy.compile(revision, storedGrants(realm), settings);
        for (Policy.Rejected rejected : policy.rejected()) {
            LOG.warnf("Act-As grant '%s' (%s) in realm %s cannot be used and allows nothing: %s",
                    rejected.name(), rejected.id(), realm.getName(), rejected.problem());
        }
        return policy;
    }

    /** A policy over proposed grants (already validated), for explain; never cached. */
    public Policy draft(List<Grant> grants) {
        return Policy.compile("draft", grants, settings);
    }

    /**
     * Decides with the realm's live grants.
     *
     * @param client the client the tokens go to (its acr-to-LoA map applies), or null
     */
    public Decision decide(RealmModel realm, ClientModel client, ActAsRequest request) {
        Decision decision = decide(policy(realm), realm, client, request, false);
        if (decision.allowed() && decision.grant().id() != null && realm.getComponent(decision.grant().id()) == null) {
            // The cached policy still holds a grant that storage no longer has (its revision must have been
            // restored by hand): never allow by it. One map lookup per allowed decision.
            cache.evict(realm.getId());
            Policy fresh = compile(realm, GrantsRevision.of(realm));
            decision = decide(fresh, realm, client, request, false);
        }
        return decision;
    }

    /** Decides with the given policy; {@code explain} collects a reason for every failed condition. */
    public Decision decide(Policy policy, RealmModel realm, ClientModel client, ActAsRequest request, boolean explain) {
        return decide(policy, directory(realm, client), request, explain);
    }

    /** Decides with the given policy over the given directory (explain narrows it to what the caller may see). */
    public Decision decide(Policy policy, Directory directory, ActAsRequest request, boolean explain) {
        return policy.decide(request, directory, Time.currentTimeMillis(), explain);
    }

    public KeycloakDirectory directory(RealmModel realm, ClientModel client) {
        return new KeycloakDirectory(session, realm, client, adminRealmName);
    }

    public Principal principal(RealmModel realm, UserModel user) {
        return directory(realm, null).principal(user);
    }

    public RealmCatalog catalog(RealmModel realm) {
        return new KeycloakRealmCatalog(session, realm);
    }

    /** The realm's stored grants, sorted by name. */
    public List<Grant> storedGrants(RealmModel realm) {
        List<Grant> grants = new ArrayList<>();
        realm.getComponentsStream(realm.getId(), GrantProviderFactory.PROVIDER_TYPE).forEach(component -> {
            Grant grant = read(realm, component);
            if (grant != null) {
                grants.add(grant);
            }
        });
        grants.sort(Comparator.comparing((Grant g) -> g.name().toLowerCase(Locale.ROOT)));
        return grants;
    }

    /** @return the stored grant with this id, or null (also for components of other types) */
    public Grant storedGrant(RealmModel realm, String id) {
        if (id == null || id.length() > 64) {
            return null;
        }
        ComponentModel component = realm.getComponent(id);
        if (component == null || !GrantProviderFactory.PROVIDER_TYPE.equals(component.getProviderType())
                || !realm.getId().equals(component.getParentId())) {
            return null;
        }
        return read(realm, component);
    }

    private static Grant read(RealmModel realm, ComponentModel component) {
        try {
            return GrantProviderFactory.toGrant(component);
        } catch (GrantValidationException e) {
            // Every write is validated, so this means the database was edited by hand. Deny by default:
            // the broken grant allows nothing, and the operator is told which one it is.
            LOG.warnf("Ignoring malformed Act-As grant '%s' (%s) in realm %s: %s",
                    component.getName(), component.getId(), realm.getName(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
    }
}
