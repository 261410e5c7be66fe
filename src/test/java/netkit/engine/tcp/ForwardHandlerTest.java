package netkit.engine.tcp;

import static netkit.engine.tcp.ForwardFixture.async;
import static netkit.engine.tcp.ForwardFixture.dial;
import static netkit.engine.tcp.ForwardFixture.random;
import static netkit.engine.tcp.ForwardFixture.readAll;
import static netkit.engine.tcp.ForwardFixture.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import netkit.NetkitException;
import netkit.engine.stream.Target;
import netkit.engine.stream.TransportLayer;
import netkit.net.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** tcp-listen --forward in the engine (SPEC §12): one upstream per client, both ways, half-close, backpressure. */
@Timeout(60)
class ForwardHandlerTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    /** The close events, with the outcome. */
    static final class Closes implements TcpEvents {
        final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();

        @Override
        public void closed(Connection c, Outcome o) {
            outcomes.add(o);
        }

        Outcome next() throws InterruptedException {
            Outcome o = outcomes.poll(20, TimeUnit.SECONDS);
            assertNotNull(o, "no close event within 20s");
            return o;
        }
    }

    private static CompletableFuture<Void> run(Runnable body) {
        return async(() -> {
            body.run();
            return null;
        });
    }

    private static Connector to(Target t) {
        return new Connector(t, Family.ANY, null, 0, CONNECT, SocketTuning.NONE, TransportLayer.NONE, t);
    }

    private static Listener forwarder(Connector upstream, TcpEvents events, Duration idle) {
        Listener l = Listener.bind(
                ListenOptions.builder()
                        .address(java.net.InetAddress.getLoopbackAddress())
                        .port(0)
                        .keepOpen(true)
                        .build(),
                events,
                new Totals());
        Thread.ofVirtual().start(() -> l.serve(new ForwardHandler(upstream, idle, TrafficTap.NONE)));
        return l;
    }

    /**
     * An upstream that reads everything the client sends until its FIN, then answers with the
     * SHA-256 of it followed by {@code reply}, and closes: only correct if the client's FIN got
     * through (half-close) and the answer after it got back.
     */
    private static CompletableFuture<String> digestingUpstream(ServerSocket server, byte[] reply) {
        return async(() -> {
            try (Socket s = server.accept()) {
                String digest = sha256(readAll(s.getInputStream()));
                s.getOutputStream().write(digest.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(reply);
                return digest;
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void bytesFlowBothWaysWithHalfCloseAndOneCloseEventCountsBothSides() throws Exception {
        byte[] up = random(6 << 20, 1);
        byte[] down = random(3 << 20, 2);
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(to(new Target.HostPort("127.0.0.1", upstream.getLocalPort())), events, null)) {
                CompletableFuture<String> seen = digestingUpstream(upstream, down);
                try (Socket c = dial(l)) {
                    CompletableFuture<Void> w = run(() -> {
                        try {
                            c.getOutputStream().write(up);
                            c.shutdownOutput(); // our FIN must reach the upstream, and its answer come back after it
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    byte[] got = readAll(c.getInputStream());
                    w.get(20, TimeUnit.SECONDS);
                    assertEquals(sha256(up), seen.get(20, TimeUnit.SECONDS));
                    assertEquals(sha256(up), new String(got, 0, 64, StandardCharsets.US_ASCII));
                    assertEquals(sha256(down), sha256(java.util.Arrays.copyOfRange(got, 64, got.length)));
                }
                Outcome o = events.next();
                assertEquals(Outcome.Kind.CLOSED, o.kind());
                assertNotNull(o.upstream());
                assertEquals(up.length, o.upstream().bytesWritten());
                assertEquals(64 + down.length, o.upstream().bytesRead());
            }
        }
    }

    @Test
    void theUpstreamsFinReachesTheClientWhichMaySendAfterIt() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(to(new Target.HostPort("127.0.0.1", upstream.getLocalPort())), events, null)) {
                CompletableFuture<String> upstreamGot = async(() -> {
                    try (Socket s = upstream.accept()) {
                        s.getOutputStream().write("banner\n".getBytes(StandardCharsets.US_ASCII));
                        s.shutdownOutput(); // the server speaks first and ends its side
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
                assertEquals(Outcome.Kind.CLOSED, events.next().kind());
            }
        }
    }

    @Test
    void aRefusingUpstreamClosesOnlyThatClientWithTheCodeAndTheListenerLivesOn() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Closes events = new Closes();
        try (Listener l = forwarder(to(new Target.HostPort("127.0.0.1", closedPort)), events, null)) {
            for (int i = 0; i < 2; i++) {
                try (Socket c = dial(l)) {
                    assertEquals(-1, c.getInputStream().read());
                }
                Outcome o = events.next();
                assertEquals(Outcome.Kind.ERROR, o.kind());
                assertEquals("ECONNREFUSED", ((NetkitException) o.error()).code());
            }
        }
    }

    @Test
    void forwardsToAUnixSocketUpstream() throws Exception {
        Path sock = dir.resolve("up.sock");
        byte[] payload = random(2 << 20, 3);
        try (ServerSocketChannel upstream = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            upstream.bind(UnixDomainSocketAddress.of(sock));
            Closes events = new Closes();
            try (Listener l = forwarder(to(new Target.UnixPath(sock)), events, null)) {
                CompletableFuture<Void> echo = run(() -> {
                    try (SocketChannel s = upstream.accept()) {
                        ByteBuffer buf = ByteBuffer.allocate(65536);
                        while (s.read(buf.clear()) >= 0) {
                            buf.flip();
                            while (buf.hasRemaining()) {
                                s.write(buf);
                            }
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                try (Socket c = dial(l)) {
                    run(() -> {
                        try {
                            c.getOutputStream().write(payload);
                            c.shutdownOutput();
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    assertEquals(sha256(payload), sha256(readAll(c.getInputStream())));
                }
                echo.get(20, TimeUnit.SECONDS);
                Outcome o = events.next();
                assertEquals(Outcome.Kind.CLOSED, o.kind());
                assertEquals(sock.toString(), o.upstream().remote().text());
            }
        }
    }

    @Test
    void aClientThatNeverReadsHoldsBackTheUpstreamInsteadOfBeingBufferedFor() throws Exception {
        long offered = 512L << 20;
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(to(new Target.HostPort("127.0.0.1", upstream.getLocalPort())), events, null);
                    Socket c = dial(l)) {
                Socket up = upstream.accept();
                // and once the client reads, everything flows again, byte-exact in count
                ForwardFixture.assertBoundedThenResumes(up, c, offered);
                up.close();
            }
        }
    }

    @Test
    void idleTimeoutEndsAQuietPair() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            try (Listener l = forwarder(
                            to(new Target.HostPort("127.0.0.1", upstream.getLocalPort())),
                            events,
                            Duration.ofMillis(300));
                    Socket c = dial(l);
                    Socket up = upstream.accept()) {
                assertEquals(-1, c.getInputStream().read());
                assertEquals(Outcome.Kind.IDLE_TIMEOUT, events.next().kind());
                up.setSoTimeout(10_000);
                assertEquals(-1, up.getInputStream().read());
            }
        }
    }

    @Test
    void aUnixListenerForwardsToTcp() throws Exception {
        Path sock = dir.resolve("front.sock");
        byte[] payload = random(1 << 20, 4);
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Closes events = new Closes();
            Listener l = Listener.bindUnix(
                    new UnixListen(sock, null, false),
                    ListenOptions.builder()
                            .address(java.net.InetAddress.getLoopbackAddress())
                            .port(0)
                            .keepOpen(true)
                            .build(),
                    TransportLayer.NONE,
                    events,
                    new Totals());
            Thread.ofVirtual()
                    .start(() -> l.serve(new ForwardHandler(
                            to(new Target.HostPort("127.0.0.1", upstream.getLocalPort())), null, TrafficTap.NONE)));
            try (l) {
                CompletableFuture<String> seen = digestingUpstream(upstream, new byte[0]);
                try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    c.connect(UnixDomainSocketAddress.of(sock));
                    c.write(ByteBuffer.wrap(payload));
                    c.shutdownOutput();
                    byte[] got = readAll(Channels.newInputStream(c));
                    assertArrayEquals(sha256(payload).getBytes(StandardCharsets.US_ASCII), got);
                }
                assertEquals(sha256(payload), seen.get(20, TimeUnit.SECONDS));
                assertEquals(Outcome.Kind.CLOSED, events.next().kind());
            }
        }
    }
}
