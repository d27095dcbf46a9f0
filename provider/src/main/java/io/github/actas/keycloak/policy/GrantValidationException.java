package io.github.actas.keycloak.policy;

/** A grant (or a request about grants) is invalid; {@link #field()} names the offending JSON field. */
public final class GrantValidationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String field;
    private final String detail;

    public GrantValidationException(String field, String detail) {
        super(field + ": " + detail, null, false, false);
        this.field = field;
        this.detail = detail;
    }

    public String field() {
        return field;
    }

    /** The message without the field name. */
    public String detail() {
        return detail;
    }

    /** The same error with the field nested under {@code prefix} (e.g. {@code grants[2].}). */
    public GrantValidationException prefixed(String prefix) {
        return new GrantValidationException(prefix + field, detail);
    }
}
