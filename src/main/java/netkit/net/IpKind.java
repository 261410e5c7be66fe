package netkit.net;

/** The kind of an address (isip {@code -v}): loopback, private, link-local, multicast, … */
public final class IpKind {
    private IpKind() {}

    /** The kind of a literal {@link IpLiteral#family} accepted, or {@code "invalid"}. */
    public static String of(String literal) {
        byte[] b = IpLiteral.toBytes(literal);
        if (b == null) {
            return "invalid";
        }
        return b.length == 4 ? v4(b) : v6(b);
    }

    static String v4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 0) {
            return (a1 | a2 | a3) == 0 ? "unspecified" : "this-network";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return "shared";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local";
        }
        if (a0 >= 224 && a0 <= 239) {
            return "multicast";
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
            return "broadcast";
        }
        if ((a0 == 192 && a1 == 0 && a2 == 2)
                || (a0 == 198 && a1 == 51 && a2 == 100)
                || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return "documentation";
        }
        if (a0 == 198 && (a1 == 18 || a1 == 19)) {
            return "benchmarking";
        }
        if (a0 >= 240) {
            return "reserved";
        }
        return "global";
    }

    static String v6(byte[] b) {
        boolean zeroTo10 = true;
        for (int i = 0; i < 10; i++) {
            zeroTo10 &= b[i] == 0;
        }
        if (zeroTo10 && b[10] == 0 && b[11] == 0 && b[12] == 0 && b[13] == 0 && b[14] == 0) {
            return b[15] == 0 ? "unspecified" : b[15] == 1 ? "loopback" : "reserved";
        }
        if (zeroTo10 && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return "ipv4-mapped";
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (b0 == 0xff) {
            return "multicast";
        }
        if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
            return "link-local";
        }
        if ((b0 & 0xfe) == 0xfc) {
            return "unique-local";
        }
        if (b0 == 0x20 && b1 == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return "documentation";
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            return "nat64";
        }
        return (b0 & 0xe0) == 0x20 ? "global" : "reserved";
    }
}
