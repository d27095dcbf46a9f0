package io.github.actas.keycloak.policy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns raw field values (from JSON or from stored component config) into typed grant values,
 * naming the field in every error. Shared by every way a grant arrives, so they agree.
 */
public final class GrantFields {

    /** Longest accepted list entry (username glob, group path, role, client id). */
    public static final int MAX_ENTRY_LENGTH = 255;
    /** Most entries accepted in one list. */
    public static final int MAX_LIST_SIZE = 1000;
    /**
     * The instants a grant (or a query) may name. ISO-8601 reaches years far beyond what epoch
     * milliseconds can hold; anything outside these years is refused rather than overflowing later.
     */
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private GrantFields() {
    }

    /** Trims entries, refuses blank, oversized or control-character entries, drops duplicates. */
    public static List<String> strings(String field, List<String> values) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        if (values.size() > MAX_LIST_SIZE) {
            throw new GrantValidationException(field, "at most " + MAX_LIST_SIZE + " entries are allowed");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            if (value == null || value.isBlank()) {
                throw new GrantValidationException(field, "entries must be non-empty strings");
            }
            String trimmed = value.strip();
            if (trimmed.length() > MAX_ENTRY_LENGTH) {
                throw new GrantValidationException(field, "entries must be at most " + MAX_ENTRY_LENGTH + " characters");
            }
            if (hasControlCharacter(trimmed)) {
                throw new GrantValidationException(field, "entries must not contain control characters");
            }
            out.add(trimmed);
        }
        return new ArrayList<>(out);
    }

    public static Set<Mode> modes(String field, List<String> values) {
        Set<Mode> modes = EnumSet.noneOf(Mode.class);
        for (String value : strings(field, values)) {
            Mode mode = Mode.fromWireName(value);
            if (mode == null) {
                throw new GrantValidationException(field,
                        "unknown mode '" + value + "' (known: impersonate, delegate, group)");
            }
            modes.add(mode);
        }
        return modes;
    }

    /**
     * ISO-8601 instant ({@code 2026-01-01T00:00:00Z}) or offset date-time between {@link #EARLIEST} and
     * {@link #LATEST}; null stays null.
     */
    public static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > 64) {
            throw new GrantValidationException(field, "is not an ISO-8601 instant such as 2026-01-01T00:00:00Z");
        }
        Instant instant;
        try {
            instant = Instant.parse(trimmed);
        } catch (DateTimeParseException notAnInstant) {
            try {
                instant = OffsetDateTime.parse(trimmed).toInstant();
            } catch (DateTimeParseException e) {
                throw new GrantValidationException(field,
                        "'" + value + "' is not an ISO-8601 instant such as 2026-01-01T00:00:00Z");
            }
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new GrantValidationException(field, "must be between " + EARLIEST + " and " + LATEST);
        }
        return instant;
    }

    public static Integer integer(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw new GrantValidationException(field, "'" + value + "' is not a whole number");
        }
    }

    public static boolean bool(String field, String value, boolean defaultValue) {
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new GrantValidationException(field, "'" + value + "' is not true or false");
        }
    }

    /** Blank becomes null; otherwise trimmed and refused when oversized or carrying control characters. */
    public static String text(String field, String value, int maxLength) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.strip();
        if (trimmed.length() > maxLength) {
            throw new GrantValidationException(field, "must be at most " + maxLength + " characters");
        }
        if (hasControlCharacter(trimmed)) {
            throw new GrantValidationException(field, "must not contain control characters");
        }
        return trimmed;
    }

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
