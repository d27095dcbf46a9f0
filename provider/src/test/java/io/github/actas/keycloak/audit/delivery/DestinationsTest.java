package io.github.actas.keycloak.audit.delivery;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationsTest {

    /** A resolver with a few names; "rebinding.example" answers differently the second time. */
    private static final class FakeDns implements Destinations.Resolver {
        private final Map<String, String> names = Map.of(
                "receiver.example", "93.184.216.34",
                "metadata.google.internal", "169.254.169.254",
                "inside.example", "10.1.2.3",
                "v6-inside.example", "fd00:ec2::254");
        private int rebindingAsked;

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            if (host.equals("rebinding.example")) {
                return new InetAddress[] {InetAddress.getByName(rebindingAsked++ == 0 ? "93.184.216.34" : "127.0.0.1")};
            }
            String address = names.get(host);
            if (address != null) {
                return new InetAddress[] {InetAddress.getByName(address)};
            }
            if (host.chars().allMatch(c -> Character.isDigit(c) || c == '.') || host.contains(":")) {
                return InetAddress.getAllByName(host); // a literal: parsed, never looked up
            }
            throw new UnknownHostException(host);
        }
    }

    private final FakeDns dns = new FakeDns();
    private final Destinations publicOnly = Destinations.allowing("", dns);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "http://127.0.0.1/hook", "http://127.1/hook", "http://2130706433/hook", "http://0x7f000001/hook",
            "http://0177.0.0.1/hook", "http://0/hook", "http://0.0.0.0/hook", "http://[::1]/hook", "http://[::]/hook",
            "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:7f00:1]/hook", "http://[64:ff9b::a9fe:a9fe]/hook",
            "http://[2002:a9fe:a9fe::1]/hook", "http://169.254.169.254/latest/meta-data", "http://[fe80::1]/hook",
            "http://[fd00:ec2::254]/hook", "http://10.0.0.1/hook", "http://172.16.5.4/hook", "http://192.168.1.1/hook",
            "http://100.100.100.200/hook", "http://224.0.0.1/hook", "http://255.255.255.255/hook",
            "http://metadata.google.internal/computeMetadata/v1/", "http://inside.example/hook",
            "http://v6-inside.example/hook", "https://user:pass@receiver.example/hook", "http://unknown.example/hook"})
    void insideOrAmbiguousDestinationsAreRefused(String url) {
        assertThat(publicOnly.refusal(URI.create(url))).as(url).isNotNull();
    }

    @Test
    void aNameThatDoesNotResolveYetMayBeWrittenButIsNotSentTo() {
        URI uri = URI.create("https://unknown.example/hook");
        assertThat(publicOnly.refusalOnWrite(uri)).isNull();
        assertThat(publicOnly.refusal(uri)).contains("cannot be resolved");
        assertThat(publicOnly.refusalOnWrite(URI.create("http://inside.example/hook"))).isNotNull();
    }

    @Test
    void publicDestinationsAreAllowed() {
        assertThat(publicOnly.refusal(URI.create("https://receiver.example/hook"))).isNull();
        assertThat(publicOnly.refusal(URI.create("https://93.184.216.34:8443/hook"))).isNull();
    }

    @Test
    void aNameThatLaterResolvesInsideIsRefusedAtSendTime() {
        URI uri = URI.create("https://rebinding.example/hook");
        assertThat(publicOnly.refusal(uri)).isNull(); // when the sink was written
        assertThat(publicOnly.refusal(uri)).contains("loopback"); // before a later request
    }

    @Test
    void networksTheOperatorListsAreAllowed() {
        Destinations onPremises = Destinations.allowing("127.0.0.1/32, 10.1.0.0/16", dns);
        assertThat(onPremises.refusal(URI.create("http://127.0.0.1:8080/hook"))).isNull();
        assertThat(onPremises.refusal(URI.create("http://inside.example/hook"))).isNull();
        assertThat(onPremises.refusal(URI.create("http://127.0.0.2/hook"))).isNotNull();
        assertThat(onPremises.refusal(URI.create("http://10.2.0.1/hook"))).isNotNull();
        assertThat(onPremises.refusal(URI.create("http://2130706433/hook"))).isNotNull(); // still not a dotted address
    }

    @Test
    void aMalformedNetworkOptionIsRefusedNamingTheEntry() {
        assertThatThrownBy(() -> Destinations.allowing("10.0.0.0/8, intranet", dns))
                .hasMessageContaining("'intranet'");
        assertThatThrownBy(() -> Destinations.allowing("10.0.0.0/33", dns)).hasMessageContaining("10.0.0.0/33");
    }
}
