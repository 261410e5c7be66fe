package netkit.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** How addresses read in diagnostics and JSON: compressed IPv6 (RFC 5952), brackets only around IPv6 with a port. */
public final class AddressFormat {
    private AddressFormat() {}

    /** {@code 127.0.0.1}, {@code ::1}, {@code fe80::1%eth0}: never a host name, never a leading slash. */
    public static String text(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            String zone = v6.getScopeId() != 0 || v6.getScopedInterface() != null
                    ? "%"
                            + (v6.getScopedInterface() != null
                                    ? v6.getScopedInterface().getName()
                                    : v6.getScopeId())
                    : "";
            return compress(v6.getAddress()) + zone;
        }
        return address.getHostAddress();
    }

    /** {@code 127.0.0.1:9000} or {@code [::1]:9000}. */
    public static String hostPort(InetSocketAddress address) {
        InetAddress a = address.getAddress();
        if (a == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String t = text(a);
        return (a instanceof Inet6Address ? "[" + t + "]" : t) + ":" + address.getPort();
    }

    /** Node's family string: {@code "IPv4"} or {@code "IPv6"}. */
    public static String family(InetAddress address) {
        return address instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    /** RFC 5952 text of 16 bytes: lower case, the longest run (2+) of zero groups as {@code ::}. */
    static String compress(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
