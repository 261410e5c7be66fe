package netkit.engine.udp;

import java.net.InetSocketAddress;

/** What a {@link UdpForwarder} reports; the command turns it into {@code -v} lines or JSON events. */
public interface UdpForwardEvents {
    UdpForwardEvents NONE = new UdpForwardEvents() {};

    /** A new client got its own upstream socket ({@code via}, its local address); {@code open} counts it. */
    default void mapped(InetSocketAddress client, InetSocketAddress via, int open) {}

    /** A client's datagram was dropped: no mapping could be made for it (limit reached, socket failure). */
    default void rejected(InetSocketAddress client, String reason) {}

    /**
     * A mapping ended: idle expiry ({@code error} null), the upstream's ICMP port unreachable, or a
     * socket failure ({@code error} set); {@code toUpstream}/{@code fromUpstream} are its traffic.
     */
    default void closed(InetSocketAddress client, Counters upstream, long ms, boolean idle, Throwable error) {}
}
