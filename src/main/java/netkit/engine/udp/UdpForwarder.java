package netkit.engine.udp;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import netkit.NetkitException;

/**
 * {@code udp-listen --forward HOST:PORT} (SPEC §12): relays datagrams between clients of a listening
 * endpoint and one upstream. Every client address:port gets a mapping with its own upstream socket
 * (connected, on an ephemeral port), so the upstream's replies come back on that socket and go to
 * the right client — the NAT-like scheme of socat's {@code UDP-LISTEN,fork}, in one process. A
 * mapping ends after {@code idle} without a datagram either way, or when the upstream's port is
 * unreachable (ICMP); at most {@code maxMappings} exist at once and a new client beyond that is
 * dropped and reported.
 *
 * <p>Threads: the caller's thread receives from clients (one receiver per endpoint, as
 * {@link DatagramEndpoint#receive} requires); each mapping has one virtual thread that receives from
 * its upstream socket, sends back to its client and watches its own idle time.
 */
public final class UdpForwarder implements Closeable {
    private final DatagramEndpoint listener;
    private final InetSocketAddress upstream;
    private final Duration idle;
    private final int maxMappings;
    private final UdpForwardEvents events;
    private final ConcurrentHashMap<InetSocketAddress, Mapping> mappings = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param listener    the bound endpoint clients send to
     * @param upstream    where every datagram goes (resolved)
     * @param idle        a mapping ends after this long without traffic either way (must be positive)
     * @param maxMappings at most this many clients at once; 0 = no limit
     */
    public UdpForwarder(
            DatagramEndpoint listener,
            InetSocketAddress upstream,
            Duration idle,
            int maxMappings,
            UdpForwardEvents events) {
        if (idle == null || idle.isZero() || idle.isNegative()) {
            throw new IllegalArgumentException("idle expiry must be positive");
        }
        this.listener = listener;
        this.upstream = upstream;
        this.idle = idle;
        this.maxMappings = maxMappings;
        this.events = events;
    }

    /** Clients with a mapping now. */
    public int mappingCount() {
        return mappings.size();
    }

    /** Receives from clients and forwards, on the calling thread, until the listener is closed. */
    public void run() throws IOException {
        try {
            while (!closed.get()) {
                Datagram d = listener.receive(null);
                if (d == null) {
                    break; // closed
                }
                Mapping m = mappingFor(d.peer());
                if (m != null) {
                    m.toUpstream(d.payload());
                }
            }
        } finally {
            close();
        }
    }

    private Mapping mappingFor(InetSocketAddress client) {
        Mapping m = mappings.get(client);
        if (m != null && m.open()) {
            return m;
        }
        if (maxMappings > 0 && mappings.size() >= maxMappings) {
            events.rejected(client, "mapping limit reached (" + maxMappings + ")");
            return null;
        }
        DatagramEndpoint socket;
        try {
            socket = DatagramEndpoint.open(EndpointConfig.builder()
                    .family(DatagramEndpoint.familyOf(upstream.getAddress()))
                    .connect(upstream)
                    .build());
        } catch (NetkitException e) {
            events.rejected(client, e.getMessage());
            return null;
        }
        m = new Mapping(client, socket);
        mappings.put(client, m);
        events.mapped(client, socket.localAddress(), mappings.size());
        Thread.ofVirtual().name("udp-fwd-" + client.getPort()).start(m::replies);
        return m;
    }

    /** Stops receiving and ends every mapping; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            listener.close();
            for (Mapping m : mappings.values()) {
                m.socket.close();
            }
        }
    }

    /** One client and its upstream socket. */
    private final class Mapping {
        private final InetSocketAddress client;
        private final DatagramEndpoint socket;
        private final long startNanos = System.nanoTime();
        private volatile long lastNanos = startNanos;

        Mapping(InetSocketAddress client, DatagramEndpoint socket) {
            this.client = client;
            this.socket = socket;
        }

        boolean open() {
            return socket.isOpen();
        }

        void toUpstream(byte[] payload) {
            lastNanos = System.nanoTime();
            try {
                if (payload.length == 0) {
                    return; // a connected socket cannot send an empty datagram (the JDK skips it)
                }
                socket.send(payload);
            } catch (IOException | RuntimeException e) {
                end(false, NetkitException.from(e, "send to " + netkit.net.AddressFormat.hostPort(upstream)));
            }
        }

        /** The mapping's thread: upstream replies back to the client, until idle expiry or an error. */
        void replies() {
            Throwable error = null;
            boolean expired = false;
            try {
                while (socket.isOpen()) {
                    long left = lastNanos + idle.toNanos() - System.nanoTime();
                    if (left <= 0) {
                        expired = true;
                        break;
                    }
                    Datagram d = socket.receive(Duration.ofNanos(Math.max(left, 1_000_000)));
                    if (d == null) {
                        continue; // timed out (look at the last activity again) or closed
                    }
                    lastNanos = System.nanoTime();
                    listener.send(d.payload(), client);
                }
            } catch (IOException | RuntimeException e) {
                error = closed.get()
                        ? null
                        : NetkitException.from(e, "upstream " + netkit.net.AddressFormat.hostPort(upstream));
            }
            end(expired, error);
        }

        private void end(boolean expired, Throwable error) {
            socket.close();
            if (mappings.remove(client, this)) {
                events.closed(client, socket.counters(), (System.nanoTime() - startNanos) / 1_000_000, expired, error);
            }
        }
    }
}
