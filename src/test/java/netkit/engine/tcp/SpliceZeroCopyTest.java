package netkit.engine.tcp;

import static netkit.engine.tcp.ForwardFixture.async;
import static netkit.engine.tcp.ForwardFixture.dial;
import static netkit.engine.tcp.ForwardFixture.random;
import static netkit.engine.tcp.ForwardFixture.readAll;
import static netkit.engine.tcp.ForwardFixture.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import netkit.NetkitException;
import netkit.engine.stream.SocketTransport;
import netkit.engine.stream.Target;
import netkit.engine.stream.TransportLayer;
import netkit.net.Family;
import netkit.sys.ZeroCopy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The forwarder's zero-copy splice (socket → pipe → socket) on real loopback sockets: byte-exact
 * (SHA-256) both ways with the fast path counted as taken ({@link Connection#bytesReadDirectly},
 * {@link Connection#bytesWrittenDirectly}) on both connections, half-close both ways, backpressure
 * through the bounded pipe, a reset reported as an error, and the buffer path with a tap ({@code -x}),
 * with {@code -Dnetkit.zeroCopy=off} and by default (the forwarder's splice is opt-in, {@code =all}).
 * Every test but those sets {@code netkit.zeroCopy=all}.
 */
@Timeout(60)
class SpliceZeroCopyTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);

    private String saved;

    @BeforeAll
    static void linux() {
        assumeTrue(ZeroCopy.available(), "zero-copy needs Linux and native access");
    }

    @BeforeEach
    void zeroCopyAll() {
        saved = System.getProperty("netkit.zeroCopy");
        System.setProperty("netkit.zeroCopy", "all");
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty("netkit.zeroCopy");
        } else {
            System.setProperty("netkit.zeroCopy", saved);
        }
    }

    /** A close event: the client connection and its outcome (which carries the upstream). */
    record Closed(Connection client, Outcome outcome) {}

    static final class Closes implements TcpEvents {
        final BlockingQueue<Closed> closed = new LinkedBlockingQueue<>();

        @Override
        public void closed(Connection c, Outcome o) {
            closed.add(new Closed(c, o));
        }

        Closed next() throws InterruptedException {
            Closed c = closed.poll(20, TimeUnit.SECONDS);
            assertNotNull(c, "no close event within 20s");
            return c;
        }
    }

    private static Listener forwarder(int upstreamPort, TcpEvents events, TrafficTap tap) {
        Target t = new Target.HostPort("127.0.0.1", upstreamPort);
        Connector up = new Connector(t, Family.ANY, null, 0, CONNECT, SocketTuning.NONE, TransportLayer.NONE, t);
        Listener l = Listener.bind(
                ListenOptions.builder()
                        .address(InetAddress.getLoopbackAddress())
                        .port(0)
                        .keepOpen(true)
                        .build(),
                events,
                new Totals());
        Thread.ofVirtual().start(() -> l.serve(new ForwardHandler(up, null, tap)));
        return l;
    }

    /**
     * Client sends {@code up} and half-closes; the upstream reads to EOF, answers with the SHA-256 of
     * what it got and {@code down}, and closes. Checks every byte both ways and returns the close event.
     */
    private static Closed roundTrip(Listener l, ServerSocket upstream, Closes events, byte[] up, byte[] down)
            throws Exception {
        CompletableFuture<String> seen = async(() -> {
            try (Socket s = upstream.accept()) {
                String digest = sha256(readAll(s.getInputStream()));
                s.getOutputStream().write(digest.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(down);
                return digest;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try (Socket c = dial(l)) {
            CompletableFuture<Void> w = async(() -> {
                try {
                    c.getOutputStream().write(up);
                    c.shutdownOutput(); // our FIN must reach the upstream, and its answer come back after it
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
                return null;
            });
            byte[] got = readAll(c.getInputStream());
            w.get(20, TimeUnit.SECONDS);
            assertEquals(sha256(up), seen.get(20, TimeUnit.SECONDS));
            assertEquals(sha256(up), new String(got, 0, 64, StandardCharsets.US_ASCII));
            assertEquals(sha256(down), sha256(Arrays.copyOfRange(got, 64, got.length)));
        }
        Closed closed = events.next();
        assertEquals(
                Outcome.Kind.CLOSED,
                closed.outcome().kind(),
                String.valueOf(closed.outcome().error()));
        Connection client = closed.client();
        Connection upConn = closed.outcome().upstream();
        assertEquals(up.length, client.bytesRead());
        assertEquals(64 + down.length, client.bytesWritten());
        assertEquals(up.length, upConn.bytesWritten());
        assertEquals(64 + down.length, upConn.bytesRead());
        return closed;
    }

    private static void withProperty(String value, Runnable body) {
        if (value == null) {
            System.clearProperty("netkit.zeroCopy");
        } else {
            System.setProperty("netkit.zeroCopy", value);
        }
        body.run(); // @AfterEach restores it
    }

    @Test
    void bytesGoSocketToSocketByteExactBothWaysAndAreCountedOnBothConnections() throws Exception {
        byte[] up = random(24 << 20, 11);
        byte[] down = random(9 << 20, 12);
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(upstream.getLocalPort(), events, TrafficTap.NONE)) {
                Closed closed = roundTrip(l, upstream, events, up, down);
                Connection client = closed.client();
                Connection upConn = closed.outcome().upstream();
                // every byte went by splice, none through a buffer
                assertEquals(up.length, client.bytesReadDirectly());
                assertEquals(up.length, upConn.bytesWrittenDirectly());
                assertEquals(64 + down.length, upConn.bytesReadDirectly());
                assertEquals(64 + down.length, client.bytesWrittenDirectly());
            }
        }
    }

    @Test
    void theUpstreamsFinReachesTheClientWhichMaySendAfterIt() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(upstream.getLocalPort(), events, TrafficTap.NONE)) {
                CompletableFuture<String> upstreamGot = async(() -> {
                    try (Socket s = upstream.accept()) {
                        s.getOutputStream().write("banner\n".getBytes(StandardCharsets.US_ASCII));
                        s.shutdownOutput();
                        return new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (Socket c = dial(l)) {
                    assertEquals("banner\n", new String(readAll(c.getInputStream()), StandardCharsets.US_ASCII));
                    c.getOutputStream().write("late reply\n".getBytes(StandardCharsets.US_ASCII));
                    c.shutdownOutput();
                    assertEquals("late reply\n", upstreamGot.get(20, TimeUnit.SECONDS));
                }
                Closed closed = events.next();
                assertEquals(Outcome.Kind.CLOSED, closed.outcome().kind());
                assertEquals(7, closed.client().bytesWrittenDirectly());
                assertEquals(11, closed.client().bytesReadDirectly());
            }
        }
    }

    @Test
    void aClientThatNeverReadsStopsTheUpstreamBeingReadThroughTheBoundedPipe() throws Exception {
        long offered = 512L << 20;
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(upstream.getLocalPort(), events, TrafficTap.NONE);
                    Socket c = dial(l);
                    Socket up = upstream.accept()) {
                ForwardFixture.assertBoundedThenResumes(up, c, offered);
                Connection client = l.connections().getFirst();
                assertTrue(client.bytesWrittenDirectly() > 0, "the zero-copy path moved the bytes");
            }
            events.next();
        }
    }

    @Test
    void anUpstreamResetIsAnErrorWithItsCode() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(upstream.getLocalPort(), events, TrafficTap.NONE);
                    Socket c = dial(l)) {
                try (Socket up = upstream.accept()) {
                    c.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
                    byte[] five = up.getInputStream().readNBytes(5);
                    assertEquals("hello", new String(five, StandardCharsets.US_ASCII));
                    up.setSoLinger(true, 0); // close with RST
                }
                Closed closed = events.next();
                assertEquals(Outcome.Kind.ERROR, closed.outcome().kind());
                String code = ((NetkitException) closed.outcome().error()).code();
                assertTrue(Set.of("ECONNRESET", "EPIPE").contains(code), code);
                assertEquals(5, closed.client().bytesReadDirectly());
            }
        }
    }

    @Test
    void aTapSeesEveryByteOnTheBufferPath() throws Exception {
        byte[] up = random(3 << 20, 13);
        byte[] down = random(2 << 20, 14);
        AtomicLong tapped = new AtomicLong();
        TrafficTap tap = new TrafficTap() {
            @Override
            public void sent(Connection to, ByteBuffer data) {
                tapped.addAndGet(data.remaining());
            }

            @Override
            public void received(Connection from, ByteBuffer data) {
                tapped.addAndGet(data.remaining());
            }
        };
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(upstream.getLocalPort(), events, tap)) {
                Closed closed = roundTrip(l, upstream, events, up, down);
                assertEquals(0, closed.client().bytesReadDirectly());
                assertEquals(0, closed.client().bytesWrittenDirectly());
                assertEquals(up.length + 64L + down.length, tapped.get());
            }
        }
    }

    @Test
    void zeroCopyOffKeepsTheBufferPath() throws Exception {
        bufferPathWith("off");
    }

    @Test
    void byDefaultTheForwarderStaysOnBuffers() throws Exception {
        bufferPathWith(null);
    }

    private void bufferPathWith(String property) throws Exception {
        byte[] up = random(2 << 20, 15);
        byte[] down = random(1 << 20, 16);
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(upstream.getLocalPort(), events, TrafficTap.NONE)) {
                withProperty(property, () -> {
                    try {
                        Closed closed = roundTrip(l, upstream, events, up, down);
                        assertEquals(0, closed.client().bytesReadDirectly());
                        assertEquals(0, closed.outcome().upstream().bytesReadDirectly());
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
            }
        }
    }

    /** A proxy's tunnel runs its splice off platform threads: it takes a zero-copy slot. */
    @Test
    void aSpliceNotOnPlatformThreadsGoesZeroCopyInASlot() throws Exception {
        byte[] up = random(4 << 20, 17);
        try (ServerSocket a = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket b = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Connection client = new Connection(
                    1,
                    new SocketTransport(SocketChannel.open(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getLocalPort()))),
                    new Totals());
            Connection upstream = new Connection(
                    2,
                    new SocketTransport(SocketChannel.open(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), b.getLocalPort()))),
                    new Totals());
            try (Socket clientPeer = a.accept();
                    Socket upstreamPeer = b.accept()) {
                clientPeer.setSoTimeout(20_000);
                upstreamPeer.setSoTimeout(20_000);
                CompletableFuture<Outcome> done =
                        async(() -> new Splice(client, upstream, TrafficTap.NONE, null, Splice.BULK_BUFFER)
                                .run(ByteBuffer.wrap("first".getBytes(StandardCharsets.US_ASCII)), false));
                CompletableFuture<String> got = async(() -> {
                    try {
                        return sha256(readAll(upstreamPeer.getInputStream()));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                });
                clientPeer.getOutputStream().write(up);
                clientPeer.shutdownOutput();
                byte[] expected = new byte[5 + up.length];
                System.arraycopy("first".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 5);
                System.arraycopy(up, 0, expected, 5, up.length);
                assertEquals(sha256(expected), got.get(20, TimeUnit.SECONDS));
                upstreamPeer.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                upstreamPeer.shutdownOutput();
                assertEquals("bye", new String(readAll(clientPeer.getInputStream()), StandardCharsets.US_ASCII));
                assertEquals(Outcome.CLOSED, done.get(20, TimeUnit.SECONDS));
                assertEquals(up.length, client.bytesReadDirectly());
                assertEquals(3, client.bytesWrittenDirectly());
                assertEquals(5 + up.length, upstream.bytesWritten());
            }
        }
    }
}
