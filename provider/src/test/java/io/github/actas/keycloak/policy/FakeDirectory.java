package io.github.actas.keycloak.policy;

import java.util.HashMap;
import java.util.Map;

/** An in-memory realm for policy tests; counts lookups so tests can prove none happened. */
final class FakeDirectory implements Directory {

    private final Map<String, Principal> users = new HashMap<>();
    private final Map<String, GroupPrincipal> groups = new HashMap<>();
    private final Map<String, Integer> loa = new HashMap<>();
    int lookups;
    boolean usernamesChosenByUsers;

    FakeDirectory add(Principal principal) {
        users.put(principal.username(), principal);
        users.put(principal.id(), principal);
        return this;
    }

    FakeDirectory add(GroupPrincipal group) {
        groups.put(group.path(), group);
        return this;
    }

    FakeDirectory loa(String acr, int level) {
        loa.put(acr, level);
        return this;
    }

    @Override
    public Principal findUser(String usernameOrId) {
        lookups++;
        return users.get(usernameOrId);
    }

    @Override
    public GroupPrincipal findGroup(String path) {
        lookups++;
        return groups.get(path);
    }

    @Override
    public boolean usernamesChosenByUsers() {
        return usernamesChosenByUsers;
    }

    @Override
    public int acrLevel(String acr) {
        return AcrLevels.level(acr, loa);
    }
}
