package io.github.actas.keycloak.audit.delivery;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.actas.keycloak.policy.GrantValidationException;

/**
 * A sink's settings, typed and validated; never null where a default exists. Stored as the config of
 * the sink's component; the webhook secret is a Standard Webhooks secret: {@code whsec_} followed by
 * 24 to 64 random bytes in base64.
 */
public record AuditSinkConfig(String id, String name, String type, boolean enabled, String url, String secret,
                              int timeoutMillis, int retentionHours, int batchSize) {

    public static final String LOG = "log";
    public static final String WEBHOOK = "webhook";

    public static final String TYPE = "type";
    public static final String ENABLED = "enabled";
    public static final String URL = "url";
    public static final String SECRET = "secret";
    public static final String TIMEOUT_MILLIS = "timeoutMillis";
    public static final String RETENTION_HOURS = "retentionHours";
    public static final String BATCH_SIZE = "batchSize";
    public static final Set<String> KEYS = Set.of(TYPE, ENABLED, URL, SECRET, TIMEOUT_MILLIS, RETENTION_HOURS, BATCH_SIZE);

    public static final int DEFAULT_TIMEOUT_MILLIS = 5_000;
    /** Events per webhook request: 1 sends structured CloudEvents, more sends CloudEvents JSON batches. */
    public static final int DEFAULT_BATCH_SIZE = 1;
    public static final int MAX_BATCH_SIZE = 500;
    public static final String SECRET_PREFIX = "whsec_";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /** Parses stored (or submitted) config; every error names its field. */
    public static AuditSinkConfig parse(String id, String name, Map<String, List<String>> config) {
        for (String key : config.keySet()) {
            if (!KEYS.contains(key)) {
                throw new GrantValidationException(key, "unknown field");
            }
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new GrantValidationException("name", "must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String type = single(config, TYPE);
        if (type == null) {
            throw new GrantValidationException(TYPE, "is required (log or webhook)");
        }
        if (!LOG.equals(type) && !WEBHOOK.equals(type)) {
            throw new GrantValidationException(TYPE, "unknown sink type '" + type + "' (known: log, webhook)");
        }
        boolean enabled = !"false".equalsIgnoreCase(single(config, ENABLED));
        String url = single(config, URL);
        String secret = single(config, SECRET);
        int timeout = integer(config, TIMEOUT_MILLIS, DEFAULT_TIMEOUT_MILLIS, 100, 60_000);
        int retention = integer(config, RETENTION_HOURS, 0, 0, 87_600);
        int batchSize = integer(config, BATCH_SIZE, DEFAULT_BATCH_SIZE, 1, MAX_BATCH_SIZE);
        if (WEBHOOK.equals(type)) {
            validateUrl(url);
            validateSecret(secret);
        } else {
            if (url != null) {
                throw new GrantValidationException(URL, "only webhook sinks have a url");
            }
            if (secret != null) {
                throw new GrantValidationException(SECRET, "only webhook sinks have a secret");
            }
            if (single(config, BATCH_SIZE) != null) {
                throw new GrantValidationException(BATCH_SIZE, "only webhook sinks send batches");
            }
        }
        return new AuditSinkConfig(id, name, type, enabled, url, secret, timeout, retention, batchSize);
    }

    /** Whether this webhook sends several records per request (CloudEvents JSON batch format). */
    public boolean batched() {
        return batchSize > 1;
    }

    /** The key a webhook signs with: the secret's bytes. */
    public byte[] signingKey() {
        return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    }

    private static void validateUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new GrantValidationException(URL, "is required for a webhook sink");
        }
        if (url.length() > 2000) {
            throw new GrantValidationException(URL, "must be at most 2000 characters");
        }
        try {
            URI uri = new URI(url);
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new GrantValidationException(URL, "must be an absolute http or https URL with a host");
            }
        } catch (URISyntaxException e) {
            throw new GrantValidationException(URL, "is not a valid URL");
        }
    }

    private static void validateSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new GrantValidationException(SECRET, "is required for a webhook sink (whsec_ followed by base64 of 24-64 random bytes)");
        }
        if (!secret.startsWith(SECRET_PREFIX)) {
            throw new GrantValidationException(SECRET, "must start with whsec_ (the Standard Webhooks secret format)");
        }
        try {
            int length = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length())).length;
            if (length < 24 || length > 64) {
                throw new GrantValidationException(SECRET, "must encode 24 to 64 bytes, not " + length);
            }
        } catch (IllegalArgumentException e) {
            throw new GrantValidationException(SECRET, "is not valid base64 after whsec_");
        }
    }

    private static String single(Map<String, List<String>> config, String key) {
        List<String> values = config.get(key);
        if (values == null || values.isEmpty() || values.get(0) == null || values.get(0).isBlank()) {
            return null;
        }
        if (values.size() > 1) {
            throw new GrantValidationException(key, "takes a single value");
        }
        return values.get(0).strip();
    }

    private static int integer(Map<String, List<String>> config, String key, int defaultValue, int min, int max) {
        String value = single(config, key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new GrantValidationException(key, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new GrantValidationException(key, "'" + value + "' is not a whole number");
        }
    }
}
