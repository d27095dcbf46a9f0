package io.github.actas.keycloak.admin;

import java.util.List;

/**
 * {@code POST /admin/realms/{realm}/act-as/explain}: a dry run of the decision the doors would make.
 * Give {@code target} (username or id) or {@code group} (path); {@code mode} defaults to
 * {@code impersonate} (or {@code group} for a group). {@code audience}: further clients the tokens would be
 * for (token exchange's {@code audience}). {@code grants}, when present, replaces the live grants for this
 * evaluation only.
 */
public record ExplainRequest(String actor, String target, String group, String mode, String client,
                             List<String> audience, String reason, String acr, List<GrantRepresentation> grants) {
}
