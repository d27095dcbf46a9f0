package io.github.actas.keycloak.audit.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.github.actas.keycloak.audit.AuditRecord;

/**
 * Standard Webhooks signing (standardwebhooks.com): {@code webhook-signature: v1,<base64(HMAC-SHA256(key,
 * id + "." + timestamp + "." + body))>}, the key being the bytes after {@code whsec_} in the secret.
 */
public final class WebhookSignature {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";

    private WebhookSignature() {
    }

    public static String sign(byte[] key, String id, long timestampSeconds, String body) {
        return sign(mac(key), id, timestampSeconds, body.getBytes(StandardCharsets.UTF_8));
    }

    /** An HMAC-SHA256 keyed for one sink; reusable by one thread for many signatures. */
    static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * The message id of a batch: derived from the ids of the records it carries, so a retry of the same batch
     * has the same id (as Standard Webhooks asks), while receivers de-duplicate per event by the event ids.
     */
    static String batchId(List<AuditRecord> records) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (AuditRecord record : records) {
                digest.update(record.id().getBytes(StandardCharsets.US_ASCII));
                digest.update((byte) ',');
            }
            return "batch_" + Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest.digest(), 18));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** Signs {@code id.timestamp.body}; {@code doFinal} resets the MAC for the next signature. */
    static String sign(Mac mac, String id, long timestampSeconds, byte[] body) {
        mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
    }
}
