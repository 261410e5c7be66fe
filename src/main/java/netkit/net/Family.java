package netkit.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** The address family a command is restricted to ({@code -4}, {@code -6}) or either; TCP and UDP alike. */
public enum Family {
    ANY,
    IPV4,
    IPV6;

    /** The family of an address: {@link #IPV4} or {@link #IPV6}. */
    public static Family of(InetAddress a) {
        return a instanceof Inet4Address ? IPV4 : IPV6;
    }

    public boolean accepts(InetAddress a) {
        return switch (this) {
            case ANY -> true;
            case IPV4 -> a instanceof Inet4Address;
            case IPV6 -> a instanceof Inet6Address;
        };
    }

    /** {@code IPv4} or {@code IPv6} as messages name it; {@code any} for {@link #ANY}. */
    public String label() {
        return switch (this) {
            case ANY -> "any";
            case IPV4 -> "IPv4";
            case IPV6 -> "IPv6";
        };
    }

    /** The option that asked for this family: {@code -4} or {@code -6} (null for {@link #ANY}). */
    public String option() {
        return switch (this) {
            case ANY -> null;
            case IPV4 -> "-4";
            case IPV6 -> "-6";
        };
    }
}
