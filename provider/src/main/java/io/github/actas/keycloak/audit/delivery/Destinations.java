package io.github.actas.keycloak.audit.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where webhook sinks may send: public addresses only. Loopback, link-local (cloud metadata services
 * among them), private, shared, reserved and multicast addresses are refused in every spelling (decimal,
 * octal or hex numbers, IPv4 inside IPv6, names that resolve there), and so are URLs carrying
 * credentials. Checked when a sink is written and again before every request, against the addresses the
 * name resolves to then, so a name that later resolves inside (DNS rebinding) is refused too. Networks an
 * operator lists in the server option {@code webhook-private-networks} (an on-premises receiver) are allowed.
 */
public final class Destinations {

    /** Resolves a host name to its addresses (the JVM's resolver; replaceable in tests). */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Nothing private is allowed. */
    public static final Destinations PUBLIC_ONLY = new Destinations(List.of(), InetAddress::getAllByName);

    private final List<Network> allowed;
    private final Resolver resolver;

    private Destinations(List<Network> allowed, Resolver resolver) {
        this.allowed = allowed;
        this.resolver = resolver;
    }

    /**
     * @param networks comma-separated CIDR blocks ({@code 10.0.0.0/8, 127.0.0.1/32, fd00::/8}) allowed although
     *                 private; null or blank for none
     * @throws IllegalArgumentException naming the entry that is not a CIDR block
     */
    public static Destinations allowing(String networks) {
        return allowing(networks, InetAddress::getAllByName);
    }

    static Destinations allowing(String networks, Resolver resolver) {
        List<Network> parsed = new ArrayList<>();
        if (networks != null) {
            for (String entry : networks.split(",")) {
                if (!entry.isBlank()) {
                    parsed.add(Network.parse(entry.strip()));
                }
            }
        }
        return new Destinations(List.copyOf(parsed), resolver);
    }

    /** @return why a webhook may not be sent to {@code uri} now, or null when it may */
    public String refusal(URI uri) {
        return refusal(uri, true);
    }

    /**
     * @return why a sink may not be written with {@code uri}, or null: as {@link #refusal}, except that a name
     *         that does not resolve yet is accepted (every request checks again, and fails until it resolves
     *         to a public address)
     */
    public String refusalOnWrite(URI uri) {
        return refusal(uri, false);
    }

    private String refusal(URI uri, boolean mustResolve) {
        if (uri.getRawUserInfo() != null) {
            return "credentials in the URL are not accepted (the signing secret authenticates the sender)";
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return "the URL has no host";
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (looksNumeric(bare) && !canonicalIpv4(bare)) {
            return "the host '" + host + "' is a number but not a dotted IPv4 address; write addresses as a.b.c.d";
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bare);
        } catch (UnknownHostException e) {
            return mustResolve ? "the host '" + host + "' cannot be resolved" : null;
        }
        if (addresses.length == 0) {
            return mustResolve ? "the host '" + host + "' cannot be resolved" : null;
        }
        for (InetAddress address : addresses) {
            if (!isPublic(address) && allowed.stream().noneMatch(n -> n.contains(address))) {
                return "the host '" + host + "' is (or resolves to) a loopback, link-local, private or reserved address;"
                        + " an on-premises receiver needs the server option webhook-private-networks";
            }
        }
        return null;
    }

    /** Whether an address is on the public internet (for IPv6 forms that embed an IPv4 address, that address). */
    static boolean isPublic(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            InetAddress embedded = embeddedIpv4(b);
            if (embedded != null) {
                return isPublic(embedded);
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return false; // fc00::/7 unique local (fd00:ec2::254 is a cloud metadata address)
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return false; // 2001:db8::/32 documentation
            }
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if (address instanceof Inet4Address) {
            byte[] b = address.getAddress();
            int a0 = b[0] & 0xff;
            int a1 = b[1] & 0xff;
            int a2 = b[2] & 0xff;
            return !(a0 == 0                                      // 0.0.0.0/8 "this network"
                    || a0 == 100 && a1 >= 64 && a1 <= 127         // 100.64.0.0/10 shared (carrier-grade NAT, some metadata)
                    || a0 == 192 && a1 == 0 && a2 == 0            // 192.0.0.0/24 protocol assignments
                    || a0 == 192 && a1 == 0 && a2 == 2            // 192.0.2.0/24 documentation
                    || a0 == 198 && (a1 == 18 || a1 == 19)        // 198.18.0.0/15 benchmarking
                    || a0 == 198 && a1 == 51 && a2 == 100         // 198.51.100.0/24 documentation
                    || a0 == 203 && a1 == 0 && a2 == 113          // 203.0.113.0/24 documentation
                    || a0 >= 240);                                // 240.0.0.0/4 reserved, and broadcast
        }
        return true;
    }

    /** The IPv4 address inside an IPv4-mapped, -compatible, NAT64 or 6to4 IPv6 address, else null. */
    private static InetAddress embeddedIpv4(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean mapped = zeroPrefix && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = zeroPrefix && b[10] == 0 && b[11] == 0;
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b;
        try {
            if (mapped || compatible || nat64) {
                if (compatible && b[12] == 0 && b[13] == 0 && b[14] == 0 && (b[15] == 0 || b[15] == 1)) {
                    return null; // :: and ::1 themselves, judged as IPv6
                }
                return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                return InetAddress.getByAddress(new byte[] {b[2], b[3], b[4], b[5]}); // 2002::/16 6to4
            }
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
        return null;
    }

    /** Digits, dots and hex: a host that some resolver would read as a number. */
    private static boolean looksNumeric(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        if (lower.isEmpty() || lower.contains(":")) {
            return false;
        }
        boolean digitSeen = false;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (Character.isDigit(c)) {
                digitSeen = true;
            } else if (c != '.' && c != 'x' && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return digitSeen && (Character.isDigit(lower.charAt(0)) || lower.startsWith("0x"));
    }

    /** Exactly four decimal parts from 0 to 255, without leading zeros. */
    private static boolean canonicalIpv4(String host) {
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || part.length() > 1 && part.charAt(0) == '0') {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (!Character.isDigit(part.charAt(i))) {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A CIDR block. */
    private record Network(byte[] prefix, int bits) {

        static Network parse(String cidr) {
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            try {
                if (!address.contains(":") && !canonicalIpv4(address)) {
                    throw new IllegalArgumentException();
                }
                byte[] bytes = InetAddress.getByName(address).getAddress();
                int bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new IllegalArgumentException();
                }
                return new Network(bytes, bits);
            } catch (UnknownHostException | IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + cidr + "' is not a CIDR block such as 10.0.0.0/8 or fd00::/8");
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((bytes[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
