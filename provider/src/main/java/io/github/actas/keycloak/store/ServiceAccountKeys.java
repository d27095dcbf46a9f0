package io.github.actas.keycloak.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;

import org.keycloak.common.util.SecretGenerator;

/**
 * The keys of Act-As service accounts: {@code actas_} + 43 base62 characters of randomness (256 bits) + 6
 * base62 characters of a CRC32 over them, like the API tokens secret scanners already know. The prefix and
 * the checksum make a key recognisable in a leak and let a typo be refused without a database look-up; only
 * the SHA-256 of a key is stored (a key has 256 bits of entropy, so a fast hash is as strong as a slow one,
 * and a look-up by hash costs the same with one key or ten thousand).
 */
public final class ServiceAccountKeys {

    public static final String PREFIX = "actas_";
    static final int RANDOM_LENGTH = 43;
    static final int CHECKSUM_LENGTH = 6;
    public static final int LENGTH = PREFIX.length() + RANDOM_LENGTH + CHECKSUM_LENGTH;

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private ServiceAccountKeys() {
    }

    /** A new key: 43 independent base62 characters carry log2(62) × 43 ≈ 256 bits. */
    public static String generate() {
        String body = SecretGenerator.getInstance().randomString(RANDOM_LENGTH, BASE62); // Keycloak's SecureRandom
        return PREFIX + body + checksum(body);
    }

    /**
     * Whether {@code key} has the form of a key: the prefix, the length, the alphabet and a matching checksum.
     * Says nothing about whether such a key exists.
     */
    public static boolean wellFormed(String key) {
        if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX)) {
            return false;
        }
        for (int i = PREFIX.length(); i < LENGTH; i++) {
            if (!isBase62(key.charAt(i))) {
                return false;
            }
        }
        String body = key.substring(PREFIX.length(), PREFIX.length() + RANDOM_LENGTH);
        return checksum(body).equals(key.substring(PREFIX.length() + RANDOM_LENGTH));
    }

    /** What is stored of a key: its SHA-256, hex. */
    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static String checksum(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        long value = crc.getValue();
        char[] out = new char[CHECKSUM_LENGTH];
        for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
            out[i] = BASE62[(int) (value % BASE62.length)];
            value /= BASE62.length;
        }
        return new String(out);
    }

    private static boolean isBase62(char c) {
        return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
    }
}
