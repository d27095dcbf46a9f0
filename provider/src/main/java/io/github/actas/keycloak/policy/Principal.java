package io.github.actas.keycloak.policy;

import java.util.Set;

/**
 * The facts the policy needs about one user, resolved once per request: identity, group paths
 * (each group with all its ancestors, so a grant on {@code /customers} covers {@code /customers/eu}),
 * effective roles (composites and group roles expanded; client roles as {@code clientId/role}) and
 * which of those roles are administrative.
 */
public final class Principal {

    /** How an Act-As service account is named in decisions, records, log lines and {@code act}: {@code sa:<name>}. */
    public static String serviceAccountName(String accountName) {
        return "sa:" + accountName;
    }

    private final String id;
    private final String username;
    private final String foldedUsername;
    private final boolean enabled;
    private final Set<String> groupPaths;
    private final Set<String> roles;
    private final Set<String> adminRoles;
    private final String serviceAccountClientId;
    private final String actAsServiceAccount;
    private final Namespace namespace;
    private final boolean acting;

    private Principal(Builder b) {
        this.id = b.id;
        this.username = b.username;
        this.foldedUsername = Text.fold(b.username);
        this.enabled = b.enabled;
        this.groupPaths = Set.copyOf(b.groupPaths);
        this.roles = Set.copyOf(b.roles);
        this.adminRoles = Set.copyOf(b.adminRoles);
        this.serviceAccountClientId = b.serviceAccountClientId;
        this.actAsServiceAccount = b.actAsServiceAccount;
        this.namespace = b.namespace;
        this.acting = b.acting;
    }

    /**
     * Where an Act-As service account may act: inside one group's subtree, or the whole realm.
     *
     * @param path the group's path, or null when the account's namespace group no longer exists (then nothing
     *             is inside it: a deleted namespace must not widen into the whole realm)
     */
    public record Namespace(String path) {

        /** The namespace of an account without one: the whole realm. */
        public static final Namespace REALM = new Namespace("/");

        /** @return whether a user in these groups (each with its ancestors) lives inside the namespace */
        public boolean holdsMemberOf(Set<String> groupPaths) {
            return this == REALM || path != null && groupPaths.contains(path);
        }

        /** @return whether the group with this path is the namespace's group or inside its subtree */
        public boolean holdsGroup(String groupPath) {
            return this == REALM || path != null && groupPath != null
                    && (groupPath.equals(path) || groupPath.startsWith(path + "/"));
        }
    }

    public static Builder builder(String id, String username) {
        return new Builder(id, username);
    }

    public String id() {
        return id;
    }

    public String username() {
        return username;
    }

    String foldedUsername() {
        return foldedUsername;
    }

    public boolean enabled() {
        return enabled;
    }

    public Set<String> groupPaths() {
        return groupPaths;
    }

    public Set<String> roles() {
        return roles;
    }

    /** The subset of {@link #roles()} that makes this user privileged (realm administration). */
    public Set<String> adminRoles() {
        return adminRoles;
    }

    /** @return the client id when this is a client's service-account user, else null */
    public String serviceAccountClientId() {
        return serviceAccountClientId;
    }

    public boolean isServiceAccount() {
        return serviceAccountClientId != null;
    }

    /** @return the name of the Act-As service account whose principal this is, else null */
    public String actAsServiceAccount() {
        return actAsServiceAccount;
    }

    /** @return where this principal may act: its account's namespace, or null for everyone else (no limit) */
    public Namespace namespace() {
        return namespace;
    }

    /** @return whether this user is already acting as someone else (then it may not act again) */
    public boolean acting() {
        return acting;
    }

    /** The same principal, marked as already acting as someone (its token or session says so). */
    public Principal asActing() {
        Builder b = new Builder(id, username);
        b.enabled = enabled;
        b.groupPaths = groupPaths;
        b.roles = roles;
        b.adminRoles = adminRoles;
        b.serviceAccountClientId = serviceAccountClientId;
        b.actAsServiceAccount = actAsServiceAccount;
        b.namespace = namespace;
        b.acting = true;
        return new Principal(b);
    }

    @Override
    public String toString() {
        return username;
    }

    public static final class Builder {
        private final String id;
        private final String username;
        private boolean enabled = true;
        private Set<String> groupPaths = Set.of();
        private Set<String> roles = Set.of();
        private Set<String> adminRoles = Set.of();
        private String serviceAccountClientId;
        private String actAsServiceAccount;
        private Namespace namespace;
        private boolean acting;

        private Builder(String id, String username) {
            this.id = id;
            this.username = username;
        }

        public Builder enabled(boolean value) {
            this.enabled = value;
            return this;
        }

        public Builder groupPaths(Set<String> value) {
            this.groupPaths = value;
            return this;
        }

        public Builder roles(Set<String> value) {
            this.roles = value;
            return this;
        }

        public Builder adminRoles(Set<String> value) {
            this.adminRoles = value;
            return this;
        }

        public Builder serviceAccountOf(String clientId) {
            this.serviceAccountClientId = clientId;
            return this;
        }

        /**
         * Marks the principal of the Act-As service account {@code name}, which may act only inside
         * {@code where}: grants name it by {@code actors.serviceAccounts} only.
         */
        public Builder actAsServiceAccount(String name, Namespace where) {
            this.actAsServiceAccount = name;
            this.namespace = where;
            return this;
        }

        public Builder acting(boolean value) {
            this.acting = value;
            return this;
        }

        public Principal build() {
            return new Principal(this);
        }
    }
}
