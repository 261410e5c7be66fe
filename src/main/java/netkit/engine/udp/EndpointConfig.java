package netkit.engine.udp;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;

/**
 * How a {@link DatagramEndpoint} is opened: Node's {@code dgram.createSocket} and {@code bind}
 * options plus the socket options set before the first datagram.
 *
 * @param family           INET or INET6; null = IPv6 dual-stack where the system has IPv6
 * @param v6Only           IPV6_V6ONLY on an INET6 socket: no IPv4 datagrams (set with setsockopt)
 * @param bind             local address and port; null = the wildcard address, port chosen by the system
 * @param reuseAddress     SO_REUSEADDR, so several receivers can share the port
 * @param broadcast        SO_BROADCAST (Node {@code setBroadcast})
 * @param receiveBufferSize SO_RCVBUF to ask for in bytes (the kernel caps it); 0 = the system default
 * @param ttl              unicast TTL / hop limit (Node {@code setTTL}); null = the system default
 * @param multicastInterface outgoing interface for multicast; null = the system's choice
 * @param multicastTtl     multicast TTL (Node {@code setMulticastTTL}); null = the system default (1)
 * @param multicastLoopback whether our multicast comes back to local members (Node
 *                          {@code setMulticastLoopback}); null = the system default (on)
 * @param connect          peer to connect to, so only its datagrams arrive and an ICMP port
 *                          unreachable is reported; null = unconnected
 */
public record EndpointConfig(
        ProtocolFamily family,
        boolean v6Only,
        InetSocketAddress bind,
        boolean reuseAddress,
        boolean broadcast,
        int receiveBufferSize,
        Integer ttl,
        NetworkInterface multicastInterface,
        Integer multicastTtl,
        Boolean multicastLoopback,
        InetSocketAddress connect) {

    /**
     * The receive buffer listeners ask for: 32 MiB, about 25,000 datagrams of 512 B, so a burst or a
     * descheduled receiver does not lose datagrams. The kernel charges only what is queued.
     */
    public static final int LARGE_RECEIVE_BUFFER = 32 << 20;

    /**
     * The receive buffer of a sender waiting for replies: 1 MiB, below the usual rmem_max, so no
     * start-up time is spent forcing it.
     */
    public static final int REPLY_RECEIVE_BUFFER = 1 << 20;

    /** A dual-stack endpoint on an ephemeral port with the system's defaults. */
    public static EndpointConfig defaults() {
        return new EndpointConfig(null, false, null, false, false, 0, null, null, null, null, null);
    }

    public EndpointConfig withFamily(ProtocolFamily f) {
        return new EndpointConfig(f, v6Only, bind, reuseAddress, broadcast, receiveBufferSize, ttl, multicastInterface,
                multicastTtl, multicastLoopback, connect);
    }

    public EndpointConfig withV6Only(boolean only) {
        return new EndpointConfig(family, only, bind, reuseAddress, broadcast, receiveBufferSize, ttl, multicastInterface,
                multicastTtl, multicastLoopback, connect);
    }

    public EndpointConfig withBind(InetSocketAddress b) {
        return new EndpointConfig(family, v6Only, b, reuseAddress, broadcast, receiveBufferSize, ttl, multicastInterface,
                multicastTtl, multicastLoopback, connect);
    }

    public EndpointConfig withReuseAddress(boolean r) {
        return new EndpointConfig(family, v6Only, bind, r, broadcast, receiveBufferSize, ttl, multicastInterface,
                multicastTtl, multicastLoopback, connect);
    }

    public EndpointConfig withBroadcast(boolean b) {
        return new EndpointConfig(family, v6Only, bind, reuseAddress, b, receiveBufferSize, ttl, multicastInterface,
                multicastTtl, multicastLoopback, connect);
    }

    public EndpointConfig withReceiveBufferSize(int bytes) {
        return new EndpointConfig(family, v6Only, bind, reuseAddress, broadcast, bytes, ttl, multicastInterface,
                multicastTtl, multicastLoopback, connect);
    }

    public EndpointConfig withTtl(Integer t) {
        return new EndpointConfig(family, v6Only, bind, reuseAddress, broadcast, receiveBufferSize, t, multicastInterface,
                multicastTtl, multicastLoopback, connect);
    }

    public EndpointConfig withMulticast(NetworkInterface nif, Integer mttl, Boolean loopback) {
        return new EndpointConfig(family, v6Only, bind, reuseAddress, broadcast, receiveBufferSize, ttl, nif, mttl, loopback,
                connect);
    }

    public EndpointConfig withConnect(InetSocketAddress peer) {
        return new EndpointConfig(family, v6Only, bind, reuseAddress, broadcast, receiveBufferSize, ttl, multicastInterface,
                multicastTtl, multicastLoopback, peer);
    }
}
