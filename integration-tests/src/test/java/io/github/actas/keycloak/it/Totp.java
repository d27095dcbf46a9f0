package io.github.actas.keycloak.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** RFC 6238 TOTP (HmacSHA1, 30 s, 6 digits) over a secret as Keycloak stores it, for the users the tests give OTP. */
final class Totp {

    private Totp() {
    }

    /** The code of the current 30-second step plus {@code stepOffset} (Keycloak accepts one step either side). */
    static String code(String secret, int stepOffset) {
        try {
            long step = System.currentTimeMillis() / 1000 / 30 + stepOffset;
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0xf;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%06d", binary % 1_000_000);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }

    /** The credential Keycloak imports for a user with this TOTP secret. */
    static Map<String, Object> credential(String secret) {
        return Map.of("type", "otp", "userLabel", "phone",
                "secretData", "{\"value\": \"" + secret + "\"}",
                "credentialData", "{\"subType\": \"totp\", \"digits\": 6, \"counter\": 0, \"period\": 30, \"algorithm\": \"HmacSHA1\"}");
    }
}
