package netkit.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An address block such as {@code 10.0.0.0/8}, {@code ::1/128} or a plain address (a /32 or /128).
 * IPv4-mapped IPv6 ({@code ::ffff:a.b.c.d}) is treated as the IPv4 address on both sides, so a
 * client of a dual-stack listener matches IPv4 rules. Pure: never touches DNS.
 */
public final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses {@code ADDRESS[/PREFIX]}; throws IllegalArgumentException with the reason. */
    public static Cidr parse(String text) {
        String t = text == null ? "" : text;
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (IpLiteral.family(addr) == 0 || addr.indexOf('%') >= 0) {
            throw new IllegalArgumentException(
                    "expected an IP address with an optional /PREFIX, e.g. 10.0.0.0/8 or ::1");
        }
        byte[] bytes = IpLiteral.toBytes(addr);
        int extra = 0;
        if (isMapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
            extra = 96;
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("expected a prefix length 0-" + (max + extra));
            }
            prefix = Integer.parseInt(p) - extra;
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("expected a prefix length " + extra + "-" + (max + extra));
            }
        }
        for (int bit = prefix; bit < max; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(bytes, prefix, t);
    }

    /** Whether {@code address} lies in this block (IPv4-mapped IPv6 counts as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (isMapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }

    public boolean contains(String literal) {
        try {
            return contains(InetAddress.getByAddress(IpLiteral.toBytes(literal)));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isMapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        return text;
    }
}
