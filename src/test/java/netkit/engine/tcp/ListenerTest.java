package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.Endpoint;
import netkit.engine.stream.Transport;
import netkit.engine.stream.TransportLayer;
import netkit.net.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The listener on its own, with small handlers: limits, access rules, ids, layers, kick. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ListenerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Events as strings, in order, for assertions with a deadline. */
    private static final class Recorded implements TcpEvents {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void connection(Connection c, int open) {
            events.add("connection " + c.id() + " open=" + open);
        }

        @Override
        public void rejected(Endpoint remote, String reason) {
            events.add("rejected " + reason);
        }

        @Override
        public void closed(Connection c, Outcome outcome) {
            events.add("closed " + c.id() + " " + outcome.kind()
                    + (outcome.error() == null ? "" : " " + outcome.error().getMessage()));
        }

        String next() throws InterruptedException {
            String e = events.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "no event within 10 s");
            return e;
        }
    }

    /** Serves each client by waiting for its EOF (the client decides when it ends). */
    private static final ConnectionHandler UNTIL_EOF = c -> {
        ByteBuffer buf = ByteBuffer.allocate(64);
        try {
            while (c.read(buf) >= 0) {
                buf.clear();
            }
        } catch (IOException e) {
            return c.isOpen() ? Outcome.error(e) : Outcome.CLOSED; // closed on purpose (kick): not an error
        }
        return Outcome.CLOSED;
    };

    /** Loopback, port 0, with the given limits. */
    private static ListenOptions options(boolean keepOpen, int maxConns, int count, AccessRules access) {
        return ListenOptions.builder()
                .address(LOOPBACK)
                .port(0)
                .keepOpen(keepOpen)
                .maxConns(maxConns)
                .count(count)
                .access(access)
                .build();
    }

    private static int port(Listener l) {
        return l.local().port();
    }

    @Test
    void oneShotServesOneClientReturnsItsOutcomeAndStopsListening() throws Exception {
        Recorded ev = new Recorded();
        try (Listener l = Listener.bind(options(false, 0, 0, AccessRules.OPEN), ev, new Totals())) {
            CompletableFuture<Outcome> served = CompletableFuture.supplyAsync(() -> l.serve(UNTIL_EOF));
            try (Socket s = new Socket(LOOPBACK, port(l))) {
                assertEquals("connection 1 open=1", ev.next());
                assertThrows(
                        ConnectException.class,
                        () -> new Socket(LOOPBACK, port(l)).close(),
                        "no second client is accepted meanwhile");
            }
            assertEquals(Outcome.CLOSED, served.get(10, TimeUnit.SECONDS));
            assertEquals("closed 1 CLOSED", ev.next());
        }
    }

    @Test
    void maxConnsTurnsTheNextClientAwayAndTellsTheHandler() throws Exception {
        Recorded ev = new Recorded();
        CountDownLatch overLimit = new CountDownLatch(1);
        ConnectionHandler handler = new ConnectionHandler() {
            @Override
            public void overLimit(Connection connection) {
                overLimit.countDown();
            }

            @Override
            public Outcome serve(Connection connection) {
                return UNTIL_EOF.serve(connection);
            }
        };
        try (Listener l = Listener.bind(options(true, 1, 0, AccessRules.OPEN), ev, new Totals())) {
            Thread.ofVirtual().start(() -> l.serve(handler));
            try (Socket first = new Socket(LOOPBACK, port(l))) {
                assertEquals("connection 1 open=1", ev.next());
                try (Socket second = new Socket(LOOPBACK, port(l))) {
                    assertEquals("rejected connection limit reached (1)", ev.next());
                    assertTrue(overLimit.await(10, TimeUnit.SECONDS));
                    assertEquals(-1, second.getInputStream().read(), "the turned-away client is closed at once");
                }
                assertEquals(1, l.connectionCount());
            }
            assertEquals("closed 1 CLOSED", ev.next());
        }
    }

    @Test
    void countAcceptsNClientsThenStopsListeningAndEndsWhenTheyHaveEnded() throws Exception {
        Recorded ev = new Recorded();
        try (Listener l = Listener.bind(options(false, 0, 2, AccessRules.OPEN), ev, new Totals())) {
            CompletableFuture<Outcome> served = CompletableFuture.supplyAsync(() -> l.serve(UNTIL_EOF));
            try (Socket a = new Socket(LOOPBACK, port(l));
                    Socket b = new Socket(LOOPBACK, port(l))) {
                assertEquals("connection 1 open=1", ev.next());
                assertEquals("connection 2 open=2", ev.next());
                assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, port(l)).close());
                assertFalse(served.isDone(), "still serving its two clients");
            }
            assertEquals(Outcome.CLOSED, served.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void deniedClientsAreRejectedWithTheRuleThatDeniedThem() throws Exception {
        Recorded ev = new Recorded();
        AccessRules rules = new AccessRules(List.of(), List.of(Cidr.parse("127.0.0.0/8")));
        try (Listener l = Listener.bind(options(true, 0, 0, rules), ev, new Totals())) {
            Thread.ofVirtual().start(() -> l.serve(UNTIL_EOF));
            try (Socket s = new Socket(LOOPBACK, port(l));
                    InputStream in = s.getInputStream()) {
                assertEquals("rejected denied by --deny 127.0.0.0/8", ev.next());
                assertEquals(-1, in.read());
            }
            assertEquals(0, l.connectionCount());
        }
    }

    @Test
    void aLayerWrapsEveryClientAndAFailedHandshakeEndsOnlyThatClientWithItsError() throws Exception {
        Recorded ev = new Recorded();
        CountDownLatch served = new CountDownLatch(1);
        TransportLayer refusing = (inner, target) -> new ForwardingTransport(inner) {
            @Override
            public void handshake() {
                throw new NetkitException(ExitCode.TLS, "ETLS", "handshake failed: test layer", null);
            }
        };
        ConnectionHandler handler = c -> {
            served.countDown();
            return Outcome.CLOSED;
        };
        try (Listener l = Listener.bind(options(true, 0, 0, AccessRules.OPEN), refusing, ev, new Totals())) {
            Thread.ofVirtual().start(() -> l.serve(handler));
            try (Socket s = new Socket(LOOPBACK, port(l))) {
                assertEquals("connection 1 open=1", ev.next());
                String closed = ev.next();
                assertTrue(
                        closed.startsWith("closed 1 ERROR") && closed.contains("handshake failed: test layer"), closed);
                assertEquals(-1, s.getInputStream().read());
            }
            assertEquals(1, served.getCount(), "the handler never saw the client");
        }
    }

    /** Serves a connection detached, recording the thread it was called on; the future ends with the client. */
    private static final class ThreadRecording implements ConnectionHandler {
        final boolean inline;
        final BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();

        ThreadRecording(boolean inline) {
            this.inline = inline;
        }

        @Override
        public boolean servesWithoutBlocking(Connection connection) {
            return inline;
        }

        @Override
        public Outcome serve(Connection connection) {
            return serveDetached(connection).join();
        }

        @Override
        public CompletableFuture<Outcome> serveDetached(Connection connection) {
            threads.add(Thread.currentThread());
            return CompletableFuture.supplyAsync(() -> UNTIL_EOF.serve(connection));
        }
    }

    @Test
    void aModeThatServesWithoutBlockingIsCalledOnTheAcceptingThreadOthersOnAThreadOfTheirOwn() throws Exception {
        for (boolean inline : new boolean[] {true, false}) {
            Recorded ev = new Recorded();
            ThreadRecording handler = new ThreadRecording(inline);
            try (Listener l = Listener.bind(options(true, 0, 0, AccessRules.OPEN), ev, new Totals())) {
                Thread accepting = Thread.ofVirtual().start(() -> l.serve(handler));
                try (Socket s = new Socket(LOOPBACK, port(l))) {
                    assertEquals("connection 1 open=1", ev.next());
                    Thread served = handler.threads.poll(10, TimeUnit.SECONDS);
                    assertNotNull(served, "never served");
                    assertEquals(inline, served == accepting, "inline=" + inline + ", served on " + served);
                }
                assertEquals("closed 1 CLOSED", ev.next());
            }
        }
    }

    @Test
    void kickClosesOneConnectionByIdAndKeepsTheOthers() throws Exception {
        Recorded ev = new Recorded();
        try (Listener l = Listener.bind(options(true, 0, 0, AccessRules.OPEN), ev, new Totals())) {
            Thread.ofVirtual().start(() -> l.serve(UNTIL_EOF));
            try (SocketChannel a = SocketChannel.open(new InetSocketAddress(LOOPBACK, port(l)));
                    SocketChannel b = SocketChannel.open(new InetSocketAddress(LOOPBACK, port(l)))) {
                assertEquals("connection 1 open=1", ev.next());
                assertEquals("connection 2 open=2", ev.next());
                assertTrue(l.kick(1));
                assertFalse(l.kick(99));
                assertEquals("closed 1 CLOSED", ev.next());
                assertEquals(-1, a.read(ByteBuffer.allocate(1)));
                assertEquals(1, l.connectionCount());
                assertEquals(2, l.connections().get(0).id());
            }
        }
    }

    /** A layer's transport that passes everything through, as a test layer's base. */
    private static class ForwardingTransport extends netkit.engine.stream.LayeredTransport {
        ForwardingTransport(Transport inner) {
            super(inner);
        }
    }
}
