package io.github.actas.keycloak.admin;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** The explain answer: allowed or not, the deciding grant, and every reason. */
@JsonPropertyOrder({"allowed", "grant", "reasons"})
public record ExplainResponse(boolean allowed, String grant, List<String> reasons) {
}
