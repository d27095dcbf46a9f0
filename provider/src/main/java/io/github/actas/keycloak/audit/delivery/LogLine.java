package io.github.actas.keycloak.audit.delivery;

import io.github.actas.keycloak.audit.AuditRecord;

/**
 * The log sink's line: {@code admin1 as (user_1)} first (ReadonlyREST style), then the facts as
 * {@code key=value} with values quoted where needed, so a log pipeline can parse it and a crafted reason
 * cannot forge fields.
 */
public final class LogLine {

    private LogLine() {
    }

    public static String of(AuditRecord r) {
        StringBuilder sb = new StringBuilder(160);
        String actor = r.initiatingUser() == null ? "-" : r.initiatingUser().display();
        sb.append(actor);
        String target = r.effectiveGroup() != null ? r.effectiveGroup().display()
                : r.effectiveUser() == null ? null : r.effectiveUser().display();
        if (target != null) {
            sb.append(" as (").append(target).append(')');
        }
        field(sb, "type", r.type().wireName());
        field(sb, "outcome", r.outcome().wireName());
        field(sb, "mode", r.mode());
        field(sb, "grant", r.grant());
        field(sb, "reason", r.reason());
        field(sb, "client", r.client());
        if (r.endedBy() != null) {
            field(sb, "endedBy", r.endedBy().display());
        }
        if (r.endReason() != null) {
            field(sb, "endReason", r.endReason().code());
        }
        field(sb, "error", r.error());
        field(sb, "realm", r.realmName());
        field(sb, "session", r.sessionId());
        field(sb, "id", r.id());
        return sb.toString();
    }

    private static void field(StringBuilder sb, String key, String value) {
        if (value == null) {
            return;
        }
        sb.append(' ').append(key).append('=');
        boolean plain = !value.isEmpty();
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = c > ' ' && c != '"' && c != '\\' && c != '=' && c < 127;
        }
        if (plain) {
            sb.append(value);
            return;
        }
        sb.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < ' ') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
