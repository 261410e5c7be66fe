package netkit.engine.udp;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;

/**
 * How a {@link DatagramEndpoint} is opened: Node's {@code dgram.createSocket} and {@code bind} options plus
 * the socket options set before the first datagram. Built with {@link #builder()}; what is not set keeps
 * the system's default (a dual-stack endpoint on an ephemeral port).
 */
public final class EndpointConfig {
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

    private final ProtocolFamily family;
    private final boolean v6Only;
    private final InetSocketAddress bind;
    private final boolean reuseAddress;
    private final boolean broadcast;
    private final int receiveBufferSize;
    private final Integer ttl;
    private final NetworkInterface multicastInterface;
    private final Integer multicastTtl;
    private final Boolean multicastLoopback;
    private final InetSocketAddress connect;

    private EndpointConfig(Builder b) {
        family = b.family;
        v6Only = b.v6Only;
        bind = b.bind;
        reuseAddress = b.reuseAddress;
        broadcast = b.broadcast;
        receiveBufferSize = b.receiveBufferSize;
        ttl = b.ttl;
        multicastInterface = b.multicastInterface;
        multicastTtl = b.multicastTtl;
        multicastLoopback = b.multicastLoopback;
        connect = b.connect;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** INET or INET6; null = IPv6 dual-stack where the system has IPv6. */
    public ProtocolFamily family() {
        return family;
    }

    /** IPV6_V6ONLY on an INET6 socket: no IPv4 datagrams (set with setsockopt). */
    public boolean v6Only() {
        return v6Only;
    }

    /** Local address and port; null = the wildcard address, port chosen by the system. */
    public InetSocketAddress bind() {
        return bind;
    }

    /** SO_REUSEADDR, so several receivers can share the port. */
    public boolean reuseAddress() {
        return reuseAddress;
    }

    /** SO_BROADCAST (Node {@code setBroadcast}). */
    public boolean broadcast() {
        return broadcast;
    }

    /** SO_RCVBUF to ask for in bytes (the kernel caps it); 0 = the system default. */
    public int receiveBufferSize() {
        return receiveBufferSize;
    }

    /** Unicast TTL / hop limit (Node {@code setTTL}); null = the system default. */
    public Integer ttl() {
        return ttl;
    }

    /** Outgoing interface for multicast; null = the system's choice. */
    public NetworkInterface multicastInterface() {
        return multicastInterface;
    }

    /** Multicast TTL (Node {@code setMulticastTTL}); null = the system default (1). */
    public Integer multicastTtl() {
        return multicastTtl;
    }

    /** Whether our multicast comes back to local members (Node {@code setMulticastLoopback}); null = on. */
    public Boolean multicastLoopback() {
        return multicastLoopback;
    }

    /**
     * Peer to connect to, so only its datagrams arrive and an ICMP port unreachable is reported; null =
     * unconnected.
     */
    public InetSocketAddress connect() {
        return connect;
    }

    /** Collects the configuration; every setter returns the builder. */
    public static final class Builder {
        private ProtocolFamily family;
        private boolean v6Only;
        private InetSocketAddress bind;
        private boolean reuseAddress;
        private boolean broadcast;
        private int receiveBufferSize;
        private Integer ttl;
        private NetworkInterface multicastInterface;
        private Integer multicastTtl;
        private Boolean multicastLoopback;
        private InetSocketAddress connect;

        private Builder() {}

        public Builder family(ProtocolFamily f) {
            family = f;
            return this;
        }

        public Builder v6Only(boolean only) {
            v6Only = only;
            return this;
        }

        public Builder bind(InetSocketAddress b) {
            bind = b;
            return this;
        }

        public Builder reuseAddress(boolean r) {
            reuseAddress = r;
            return this;
        }

        public Builder broadcast(boolean b) {
            broadcast = b;
            return this;
        }

        public Builder receiveBufferSize(int bytes) {
            receiveBufferSize = bytes;
            return this;
        }

        public Builder ttl(Integer t) {
            ttl = t;
            return this;
        }

        /** The multicast options of a sender: outgoing interface, TTL and loopback (each may be null). */
        public Builder multicast(NetworkInterface nif, Integer mttl, Boolean loopback) {
            multicastInterface = nif;
            multicastTtl = mttl;
            multicastLoopback = loopback;
            return this;
        }

        public Builder connect(InetSocketAddress peer) {
            connect = peer;
            return this;
        }

        public EndpointConfig build() {
            return new EndpointConfig(this);
        }
    }
}
