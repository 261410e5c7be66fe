package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SessionTest {
    private record Pair(Connection ours, Socket theirs) {}

    private static Pair pair(ServerSocket server) throws Exception {
        SocketChannel ch =
                SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        return new Pair(new Connection(1, new netkit.engine.stream.SocketTransport(ch), new Totals()), server.accept());
    }

    @Test
    void pauseReallyStopsReadingSoThePeerIsHeldBackUntilResume() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Pair p = pair(server);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            DataSink sink = (from, data) -> {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                synchronized (got) {
                    got.write(b, 0, b.length);
                }
            };
            p.ours().pause();
            Session s = new Session(p.ours(), SessionOptions.defaults(), sink, TrafficTap.NONE, false);
            s.start();
            byte[] big = new byte[32 << 20]; // far more than the socket buffers hold
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    p.theirs().getOutputStream().write(big);
                    p.theirs().shutdownOutput();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThrows(TimeoutException.class, () -> writer.get(500, TimeUnit.MILLISECONDS));
            assertEquals(0, p.ours().bytesRead());
            assertTrue(p.ours().isPaused());
            p.ours().resume();
            writer.get(20, TimeUnit.SECONDS);
            assertEquals(Outcome.CLOSED, s.done().get(20, TimeUnit.SECONDS));
            assertEquals(big.length, p.ours().bytesRead());
            assertEquals(big.length, got.size());
            p.theirs().close();
        }
    }

    @Test
    void sendAndEndOfInputHalfCloseWhileReadingGoesOn() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Pair p = pair(server);
            StringBuilder got = new StringBuilder();
            Session s = new Session(
                    p.ours(),
                    SessionOptions.defaults(),
                    (from, data) -> got.append(StandardCharsets.UTF_8.decode(data)),
                    TrafficTap.NONE,
                    true);
            s.start();
            assertTrue(s.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8))));
            s.endOfInput();
            assertTrue(p.ours().outputShut());
            assertEquals("ping", new String(p.theirs().getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertFalse(s.isDone());
            p.theirs().getOutputStream().write("pong".getBytes(StandardCharsets.UTF_8));
            p.theirs().close();
            assertEquals(Outcome.CLOSED, s.done().get(10, TimeUnit.SECONDS));
            assertEquals("pong", got.toString());
            assertEquals(4, p.ours().bytesWritten());
            assertEquals(4, p.ours().bytesRead());
            assertFalse(s.send(ByteBuffer.wrap(new byte[1])));
        }
    }

    @Test
    void crlfEncoderNeverDoublesACrlfSplitAcrossChunks() {
        CrlfEncoder enc = new CrlfEncoder();
        ByteBuffer out = ByteBuffer.allocate(64);
        StringBuilder sb = new StringBuilder();
        for (String chunk : new String[] {"a\n", "b\r", "\nc", "\r\n", "\n\n"}) {
            sb.append(StandardCharsets.US_ASCII.decode(
                    enc.encode(ByteBuffer.wrap(chunk.getBytes(StandardCharsets.US_ASCII)), out)));
        }
        assertEquals("a\r\nb\r\nc\r\n\r\n\r\n", sb.toString());
    }
}
