package io.github.actas.keycloak;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Act-As jar's version and the Keycloak version it was built for, from a build-filtered resource. */
public final class ActAsVersion {

    public static final String VERSION;
    public static final String KEYCLOAK_VERSION;

    static {
        Properties properties = new Properties();
        try (InputStream in = ActAsVersion.class.getResourceAsStream("act-as-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // Leave the properties empty: the version is informational only.
        }
        VERSION = properties.getProperty("version", "unknown");
        KEYCLOAK_VERSION = properties.getProperty("keycloak.version", "unknown");
    }

    private ActAsVersion() {
    }
}
