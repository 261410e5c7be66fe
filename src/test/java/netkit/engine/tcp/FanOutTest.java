package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import netkit.engine.stream.SocketTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Our input going to every client of a listener, without the listener. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FanOutTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private record Client(Session session, Socket peer) {}

    private static Client client(ServerSocket server, long id) throws Exception {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress(LOOPBACK, server.getLocalPort()));
        Socket peer = server.accept();
        Session s = new Session(
                new Connection(id, new SocketTransport(ch), new Totals()),
                SessionOptions.defaults(),
                DataSink.discard(),
                TrafficTap.NONE,
                true);
        s.start();
        return new Client(s, peer);
    }

    private static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void everyChunkGoesToEveryClientAndTheEndOfInputHalfClosesEach() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
            FanOut fan = new FanOut();
            List<Client> clients = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                Client c = client(server, i);
                clients.add(c);
                fan.add(c.session());
            }
            assertTrue(fan.send(text("one ")));
            assertTrue(fan.send(text("two")));
            fan.endOfInput();
            for (Client c : clients) {
                // everything sent, then our FIN: the peer reads to its end
                assertArrayEquals(
                        "one two".getBytes(StandardCharsets.US_ASCII),
                        c.peer().getInputStream().readAllBytes());
                c.peer().close();
            }
        }
    }

    @Test
    void inputWaitsForTheFirstClientInsteadOfDroppingBytes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
            FanOut fan = new FanOut();
            CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(() -> fan.send(text("early")));
            assertFalse(sent.isDone(), "no client yet: the input waits");
            Client c = client(server, 1);
            fan.add(c.session());
            assertTrue(sent.get(10, TimeUnit.SECONDS));
            fan.endOfInput();
            assertEquals("early", new String(c.peer().getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            c.peer().close();
        }
    }

    @Test
    void aClientThatComesAfterTheInputEndedGetsTheEndAtOnceAndAClosedFanOutStopsWaiting() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, LOOPBACK)) {
            FanOut fan = new FanOut();
            fan.endOfInput();
            Client late = client(server, 1);
            fan.add(late.session());
            assertEquals(-1, late.peer().getInputStream().read(), "FIN at once");
            late.peer().close();

            FanOut empty = new FanOut();
            CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> empty.send(text("x")));
            empty.close();
            assertFalse(waiting.get(10, TimeUnit.SECONDS), "no client will come: the input gives up");
        }
    }
}
