package netkit.engine.udp;

import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ProtocolFamily;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import netkit.NetkitException;
import netkit.net.AddressFormat;
import netkit.sys.SocketOptions;

/**
 * The one datagram socket behind udp-send, udp-listen, broadcast and multicast-join: Node's
 * {@code dgram.Socket} over a blocking {@link DatagramChannel}. One thread may receive while
 * others send; {@link #close} is idempotent and wakes a blocked {@link #receive}.
 *
 * <p>What it adds to the channel: the most recent sender (so stdin lines can answer it), group
 * memberships that can be joined and left at runtime, a sink told about every datagram sent,
 * and counters.
 */
public final class DatagramEndpoint implements Closeable {
    /** The largest UDP payload over IPv4 (65,535 - 8 UDP - 20 IP header bytes). */
    public static final int MAX_PAYLOAD = 65_507;
    /** The largest UDP payload over IPv6 (65,535 - 8 UDP bytes: the IPv6 header is not counted). */
    public static final int MAX_PAYLOAD_V6 = 65_527;

    /** The largest payload one datagram to {@code to} can carry. */
    public static int maxPayload(InetAddress to) {
        return to instanceof Inet6Address ? MAX_PAYLOAD_V6 : MAX_PAYLOAD;
    }

    private final DatagramChannel channel;
    private final DatagramSocket socket;
    private final InetSocketAddress connectedTo;
    private final DatagramPacket packet = new DatagramPacket(new byte[65_536], 65_536);
    private final List<MembershipKey> memberships = new ArrayList<>();
    private final AtomicLong datagramsReceived = new AtomicLong();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong datagramsSent = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile InetSocketAddress lastSender;
    private volatile DatagramSink sentSink = DatagramSink.NONE;
    private int timeoutMillis = -1;

    private DatagramEndpoint(DatagramChannel channel, InetSocketAddress connectedTo) {
        this.channel = channel;
        this.socket = channel.socket();
        this.connectedTo = connectedTo;
    }

    /**
     * Opens, configures and binds an endpoint (and connects it when the config says so). Failures
     * are {@link NetkitException}s: bind problems exit 6, a refused connect 3.
     */
    public static DatagramEndpoint open(EndpointConfig config) {
        DatagramChannel ch = null;
        String bindText = "";
        try {
            ProtocolFamily family = config.family();
            ch = family == null ? DatagramChannel.open() : DatagramChannel.open(family);
            if (config.v6Only()) {
                try {
                    SocketOptions.setInt(ch, SocketOptions.IPV6_V6ONLY, 1);
                } catch (UnsupportedOperationException e) {
                    throw NetkitException.failure(
                            "EINVAL", "cannot make the socket IPv6-only (-6): " + e.getMessage(), e);
                }
            }
            if (config.reuseAddress()) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            if (config.broadcast()) {
                ch.setOption(StandardSocketOptions.SO_BROADCAST, true);
            }
            if (config.receiveBufferSize() > 0) {
                setReceiveBuffer(ch, config.receiveBufferSize());
            }
            if (config.multicastInterface() != null) {
                ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, config.multicastInterface());
            }
            if (config.multicastTtl() != null) {
                ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, config.multicastTtl());
            }
            if (config.multicastLoopback() != null) {
                ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, config.multicastLoopback());
            }
            InetSocketAddress bind = config.bind() != null ? config.bind() : new InetSocketAddress(0);
            bindText = AddressFormat.hostPort(bind);
            ch.bind(bind);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw NetkitException.from(e, "bind " + bindText);
        }
        DatagramEndpoint endpoint = new DatagramEndpoint(ch, config.connect());
        try {
            if (config.ttl() != null) {
                endpoint.setTtl(config.ttl());
            }
            if (config.connect() != null) {
                ch.connect(config.connect());
            }
        } catch (IOException | RuntimeException e) {
            endpoint.close();
            throw NetkitException.from(e, "connect to " + AddressFormat.hostPort(config.connect()));
        }
        return endpoint;
    }

    /**
     * SO_RCVBUF as asked; where the kernel caps it at net.core.rmem_max and the process has
     * CAP_NET_ADMIN (root), SO_RCVBUFFORCE gets the full size, because a burst that overflows the
     * buffer is lost for good. Best effort: what was granted is what {@link #receiveBufferSize} reports.
     */
    private static void setReceiveBuffer(DatagramChannel ch, int bytes) throws IOException {
        ch.setOption(StandardSocketOptions.SO_RCVBUF, bytes);
        // Linux reports twice what it keeps for bookkeeping; the JDK halves it back.
        if (ch.getOption(StandardSocketOptions.SO_RCVBUF) < bytes && SocketOptions.canForceBuffers()) {
            try {
                SocketOptions.setInt(ch, SocketOptions.SO_RCVBUFFORCE, bytes);
            } catch (UnsupportedOperationException e) {
                // keep the capped size; -v shows it
            }
        }
    }

    /** The bound address and port (the real port when 0 was asked for). */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw NetkitException.from(e, "local address");
        }
    }

    /** The peer this endpoint is connected to, or null. */
    public InetSocketAddress connectedTo() {
        return connectedTo;
    }

    /** SO_RCVBUF as the kernel granted it (Linux reports twice the bytes asked for, capped by rmem_max). */
    public int receiveBufferSize() {
        try {
            return channel.getOption(StandardSocketOptions.SO_RCVBUF);
        } catch (IOException e) {
            throw NetkitException.from(e, "SO_RCVBUF");
        }
    }

    /** A socket option as the socket has it now (for tests, {@code /stats} and diagnostics). */
    public <T> T option(java.net.SocketOption<T> name) {
        try {
            return channel.getOption(name);
        } catch (IOException e) {
            throw NetkitException.from(e, name.name());
        }
    }

    /** Sets the unicast TTL / hop limit (Node {@code setTTL}) with setsockopt; see {@link SocketOptions}. */
    public void setTtl(int ttl) {
        try {
            if (isIpv6()) {
                SocketOptions.setInt(channel, SocketOptions.IPV6_UNICAST_HOPS, ttl);
                try {
                    // A dual-stack socket sends IPv4 too; where the OS refuses IP_TTL there, IPv6 still applies.
                    SocketOptions.setInt(channel, SocketOptions.IP_TTL, ttl);
                } catch (UnsupportedOperationException ignored) {
                    // IPv6-only use is still correct
                }
            } else {
                SocketOptions.setInt(channel, SocketOptions.IP_TTL, ttl);
            }
        } catch (UnsupportedOperationException e) {
            throw NetkitException.failure("EINVAL", "cannot set TTL " + ttl + ": " + e.getMessage(), e);
        }
    }

    /** The unicast TTL / hop limit in force, read back with getsockopt. */
    public int ttl() {
        try {
            return SocketOptions.getInt(channel, isIpv6() ? SocketOptions.IPV6_UNICAST_HOPS : SocketOptions.IP_TTL);
        } catch (UnsupportedOperationException e) {
            throw NetkitException.failure("EINVAL", "cannot read TTL: " + e.getMessage(), e);
        }
    }

    private boolean isIpv6() {
        return localAddress().getAddress() instanceof Inet6Address;
    }

    /** Tells {@code sink} about every datagram sent (its peer is the destination). */
    public void onSent(DatagramSink sink) {
        this.sentSink = Objects.requireNonNull(sink);
    }

    /**
     * Sends one datagram to {@code target}, or to the connected peer when {@code target} is null.
     * Node's send callback is the {@link #onSent} sink.
     */
    public void send(byte[] payload, InetSocketAddress target) throws IOException {
        InetSocketAddress to = target != null ? target : connectedTo;
        if (to == null) {
            throw new IllegalStateException("no destination: the endpoint is not connected");
        }
        ByteBuffer buf = ByteBuffer.wrap(payload);
        if (connectedTo != null) {
            if (payload.length == 0) {
                // The JDK skips zero-length writes on a connected channel: say so instead of losing it.
                throw new IllegalArgumentException("an empty datagram cannot be sent on a connected socket");
            }
            channel.write(buf);
        } else {
            channel.send(buf, to);
        }
        datagramsSent.incrementAndGet();
        bytesWritten.addAndGet(payload.length);
        sentSink.accept(new Datagram(to, payload));
    }

    /** Sends to the connected peer. */
    public void send(byte[] payload) throws IOException {
        send(payload, null);
    }

    /** The sender of the most recent datagram received, or null before the first. */
    public InetSocketAddress lastSender() {
        return lastSender;
    }

    /**
     * Receives the next datagram, waiting at most {@code timeout} (null or zero: no limit).
     * Returns null when the timeout expired or the endpoint was closed meanwhile. A connected
     * endpoint throws {@link java.net.PortUnreachableException} after an ICMP port unreachable.
     * Only one thread may receive at a time.
     */
    public Datagram receive(Duration timeout) throws IOException {
        int millis = timeout == null || timeout.isZero()
                ? 0
                : (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        try {
            if (millis != timeoutMillis) {
                socket.setSoTimeout(millis);
                timeoutMillis = millis;
            }
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            if (!channel.isOpen()) {
                return null;
            }
            throw e;
        }
        byte[] payload = new byte[packet.getLength()];
        System.arraycopy(packet.getData(), packet.getOffset(), payload, 0, payload.length);
        InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
        lastSender = from;
        datagramsReceived.incrementAndGet();
        bytesRead.addAndGet(payload.length);
        return new Datagram(from, payload);
    }

    /**
     * Joins {@code group} on {@code nif} (Node {@code addMembership}), source-specifically when
     * {@code source} is not null ({@code addSourceSpecificMembership}). Failures exit 6.
     */
    public MembershipKey join(InetAddress group, NetworkInterface nif, InetAddress source) {
        Objects.requireNonNull(nif, "interface");
        String what = "join " + AddressFormat.text(group)
                + (source != null ? " from " + AddressFormat.text(source) : "") + " on " + nif.getName();
        try {
            MembershipKey key = source == null ? channel.join(group, nif) : channel.join(group, nif, source);
            synchronized (memberships) {
                if (!memberships.contains(key)) {
                    memberships.add(key);
                }
            }
            return key;
        } catch (IOException | RuntimeException e) {
            NetkitException n = NetkitException.from(e, what);
            if (n.exitCode() == netkit.ExitCode.BIND) {
                throw n;
            }
            throw NetkitException.bind(
                    e instanceof UnsupportedOperationException ? "EINVAL" : "EADDRNOTAVAIL",
                    what + ": " + reason(e),
                    e);
        }
    }

    /** Leaves every membership of {@code group} (Node {@code dropMembership}); false when there was none. */
    public boolean leave(InetAddress group) {
        List<MembershipKey> dropped = new ArrayList<>();
        synchronized (memberships) {
            for (MembershipKey k : memberships) {
                if (k.group().equals(group)) {
                    dropped.add(k);
                }
            }
            memberships.removeAll(dropped);
        }
        dropped.forEach(MembershipKey::drop);
        return !dropped.isEmpty();
    }

    /** The memberships in force, in the order they were joined. */
    public List<MembershipKey> memberships() {
        synchronized (memberships) {
            return List.copyOf(memberships);
        }
    }

    public Counters counters() {
        return new Counters(datagramsReceived.get(), bytesRead.get(), datagramsSent.get(), bytesWritten.get());
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /** Leaves every group, then closes the socket; a blocked {@link #receive} returns null. */
    @Override
    public void close() {
        for (MembershipKey k : memberships()) {
            leave(k.group());
        }
        closeQuietly(channel);
    }

    /** The family a literal or resolved address needs. */
    public static ProtocolFamily familyOf(InetAddress a) {
        return a instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m.toLowerCase(java.util.Locale.ROOT);
    }

    private static void closeQuietly(DatagramChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }
}
