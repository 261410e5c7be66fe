package netkit.engine.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** udp-listen --forward in the engine (SPEC §12): a mapping per client, replies to the right one, expiry, limit. */
@Timeout(30)
class UdpForwarderTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static DatagramEndpoint bound() {
        return DatagramEndpoint.open(EndpointConfig.builder()
                .family(DatagramEndpoint.familyOf(LOOPBACK))
                .bind(new InetSocketAddress(LOOPBACK, 0))
                .build());
    }

    /** Events as strings. */
    static final class Recorder implements UdpForwardEvents {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void mapped(InetSocketAddress client, InetSocketAddress via, int open) {
            events.add("mapped " + client.getPort() + " " + open);
        }

        @Override
        public void rejected(InetSocketAddress client, String reason) {
            events.add("rejected " + client.getPort() + " " + reason);
        }

        @Override
        public void closed(InetSocketAddress client, Counters up, long ms, boolean idle, Throwable error) {
            events.add("closed " + client.getPort() + " idle=" + idle + " sent=" + up.datagramsSent() + " back="
                    + up.datagramsReceived() + (error == null ? "" : " " + error.getMessage()));
        }

        String next() throws InterruptedException {
            String e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "no event within 10s");
            return e;
        }
    }

    /** An upstream that answers every datagram with "PREFIX:payload" from the same socket. */
    private static Thread answering(DatagramEndpoint upstream, String prefix) {
        return Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 1000 && upstream.isOpen(); i++) {
                    Datagram d = upstream.receive(null);
                    if (d == null) {
                        return;
                    }
                    upstream.send(
                            (prefix + ":" + new String(d.payload(), StandardCharsets.UTF_8) + ":" + d.port())
                                    .getBytes(StandardCharsets.UTF_8),
                            d.peer());
                }
            } catch (Exception e) {
                // closed at the end of the test
            }
        });
    }

    /** {@code fwd}, running on a virtual thread until the test closes it. */
    private static UdpForwarder started(UdpForwarder fwd) {
        Thread.ofVirtual().start(() -> {
            try {
                fwd.run();
            } catch (Exception ignored) {
                // closed
            }
        });
        return fwd;
    }

    private static String text(Datagram d) {
        return new String(d.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void eachClientGetsItsOwnUpstreamSocketAndItsOwnReplies() throws Exception {
        try (DatagramEndpoint upstream = bound();
                DatagramEndpoint front = bound();
                DatagramEndpoint a = bound();
                DatagramEndpoint b = bound()) {
            answering(upstream, "up");
            Recorder events = new Recorder();
            UdpForwarder fwd =
                    started(new UdpForwarder(front, upstream.localAddress(), Duration.ofSeconds(30), 0, events));
            try (fwd) {
                a.send("one".getBytes(StandardCharsets.UTF_8), front.localAddress());
                Datagram ra = a.receive(WAIT);
                b.send("two".getBytes(StandardCharsets.UTF_8), front.localAddress());
                Datagram rb = b.receive(WAIT);
                a.send("three".getBytes(StandardCharsets.UTF_8), front.localAddress());
                Datagram ra2 = a.receive(WAIT);
                assertNotNull(ra);
                assertNotNull(rb);
                assertNotNull(ra2);
                String[] first = text(ra).split(":");
                String[] second = text(rb).split(":");
                String[] third = text(ra2).split(":");
                assertEquals("one", first[1]);
                assertEquals("two", second[1]);
                assertEquals("three", third[1]);
                // the upstream saw one source port per client, the same one for both of a's datagrams
                assertEquals(first[2], third[2]);
                assertTrue(!first[2].equals(second[2]), "each client has its own upstream socket");
                // replies came from the forwarder's listening address
                assertEquals(front.localAddress().getPort(), ra.peer().getPort());
                assertEquals("mapped " + a.localAddress().getPort() + " 1", events.next());
                assertEquals("mapped " + b.localAddress().getPort() + " 2", events.next());
                assertEquals(2, fwd.mappingCount());
                assertNull(b.receive(Duration.ofMillis(200)), "b got nothing of a's");
            }
        }
    }

    @Test
    void aQuietMappingExpiresAndANewDatagramMakesANewOne() throws Exception {
        try (DatagramEndpoint upstream = bound();
                DatagramEndpoint front = bound();
                DatagramEndpoint a = bound()) {
            answering(upstream, "up");
            Recorder events = new Recorder();
            UdpForwarder fwd =
                    started(new UdpForwarder(front, upstream.localAddress(), Duration.ofMillis(300), 0, events));
            try (fwd) {
                a.send("x".getBytes(StandardCharsets.UTF_8), front.localAddress());
                assertNotNull(a.receive(WAIT));
                int port = a.localAddress().getPort();
                assertEquals("mapped " + port + " 1", events.next());
                assertEquals("closed " + port + " idle=true sent=1 back=1", events.next());
                assertEquals(0, fwd.mappingCount());
                a.send("y".getBytes(StandardCharsets.UTF_8), front.localAddress());
                assertEquals("y", text(a.receive(WAIT)).split(":")[1]);
                assertEquals("mapped " + port + " 1", events.next());
            }
        }
    }

    @Test
    void theMappingLimitDropsNewClientsUntilOneExpires() throws Exception {
        try (DatagramEndpoint upstream = bound();
                DatagramEndpoint front = bound();
                DatagramEndpoint a = bound();
                DatagramEndpoint b = bound()) {
            answering(upstream, "up");
            Recorder events = new Recorder();
            UdpForwarder fwd =
                    started(new UdpForwarder(front, upstream.localAddress(), Duration.ofSeconds(30), 1, events));
            try (fwd) {
                a.send("a".getBytes(StandardCharsets.UTF_8), front.localAddress());
                assertNotNull(a.receive(WAIT));
                events.next(); // mapped a
                b.send("b".getBytes(StandardCharsets.UTF_8), front.localAddress());
                assertEquals("rejected " + b.localAddress().getPort() + " mapping limit reached (1)", events.next());
                assertNull(b.receive(Duration.ofMillis(200)));
            }
        }
    }

    @Test
    void anUnreachableUpstreamEndsTheMappingWithConnectionRefused() throws Exception {
        InetSocketAddress nobody;
        try (DatagramEndpoint gone = bound()) {
            nobody = gone.localAddress();
        }
        try (DatagramEndpoint front = bound();
                DatagramEndpoint a = bound()) {
            Recorder events = new Recorder();
            UdpForwarder fwd = started(new UdpForwarder(front, nobody, Duration.ofSeconds(30), 0, events));
            try (fwd) {
                a.send("hello?".getBytes(StandardCharsets.UTF_8), front.localAddress());
                events.next(); // mapped
                String closed = events.next();
                assertTrue(
                        closed.startsWith("closed " + a.localAddress().getPort() + " idle=false")
                                && closed.contains("connection refused"),
                        closed);
            }
        }
    }
}
