package io.github.actas.keycloak.audit.delivery;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    @Test
    void matchesTheStandardWebhooksExample() {
        // The example of the Standard Webhooks specification, reproduced independently with Python's hmac.
        byte[] key = Base64.getDecoder().decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(WebhookSignature.sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void anyChangeChangesTheSignature() {
        byte[] key = new byte[32];
        String base = WebhookSignature.sign(key, "id", 1, "{}");
        assertThat(WebhookSignature.sign(key, "id2", 1, "{}")).isNotEqualTo(base);
        assertThat(WebhookSignature.sign(key, "id", 2, "{}")).isNotEqualTo(base);
        assertThat(WebhookSignature.sign(key, "id", 1, "{ }")).isNotEqualTo(base);
        key[0] = 1;
        assertThat(WebhookSignature.sign(key, "id", 1, "{}")).isNotEqualTo(base);
    }
}
