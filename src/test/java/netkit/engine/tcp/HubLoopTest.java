package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub modes served by the selector loop ({@code --echo}, {@code --broker} on plain sockets), over loopback. */
@Timeout(60)
class HubLoopTest {
    private static final long WAIT_S = 20;

    private static Listener listen(BlockingQueue<Connection> closed) {
        return Listener.bind(
                ListenOptions.builder()
                        .address(InetAddress.getLoopbackAddress())
                        .port(0)
                        .keepOpen(true)
                        .build(),
                new TcpEvents() {
                    @Override
                    public void closed(Connection connection, Outcome outcome) {
                        closed.add(connection);
                    }
                },
                new Totals());
    }

    @Test
    void echoOfAFloodFromAClientThatReadsLateLosesNothingAndKeepsTheOrder() throws Exception {
        BlockingQueue<Connection> closed = new LinkedBlockingQueue<>();
        try (Listener l = listen(closed)) {
            Thread.ofVirtual()
                    .start(() -> l.serve(new EchoHandler(
                            new SessionOptions(null, StdinEofPolicy.SHUTDOWN, null, false, Traffic.BOTH, false),
                            TrafficTap.NONE)));
            byte[] all = new byte[16 << 20];
            new Random(3).nextBytes(all);
            try (Socket s =
                    new Socket(InetAddress.getLoopbackAddress(), l.local().port())) {
                CountDownLatch someWritten = new CountDownLatch(1);
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        OutputStream out = s.getOutputStream();
                        for (int off = 0; off < all.length; off += 64 * 1024) {
                            out.write(all, off, 64 * 1024);
                            if (off >= 256 * 1024) {
                                someWritten.countDown();
                            }
                        }
                        s.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                // nothing is read until the hub had to hold the echo back (the sockets fill, the loop stops reading)
                assertTrue(someWritten.await(WAIT_S, TimeUnit.SECONDS));
                InputStream in = s.getInputStream();
                byte[] got = in.readNBytes(all.length);
                assertArrayEquals(digest(all), digest(got));
                assertEquals(-1, in.read(), "the FIN follows the last echoed byte");
                writer.get(WAIT_S, TimeUnit.SECONDS);
            }
            Connection c = closed.poll(WAIT_S, TimeUnit.SECONDS);
            assertEquals(all.length, c.bytesRead());
            assertEquals(all.length, c.bytesWritten());
        }
    }

    @Test
    void brokerClientLeavingInTheMiddleOfAFloodCostsTheOthersNothing() throws Exception {
        BlockingQueue<Connection> closed = new LinkedBlockingQueue<>();
        try (Listener l = listen(closed)) {
            BrokerHandler broker = new BrokerHandler(
                    null,
                    new SessionOptions(null, StdinEofPolicy.KEEP, null, false, Traffic.BOTH, false),
                    TrafficTap.NONE,
                    TcpEvents.NONE);
            Thread.ofVirtual().start(() -> l.serve(broker));
            int port = l.local().port();
            try (Socket sender = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket a = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket b = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket leaver = new Socket(InetAddress.getLoopbackAddress(), port)) {
                // accepted in order: the first three are admitted (registered) before the fourth is counted
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
                while (l.connectionCount() < 4 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertEquals(4, l.connectionCount());
                byte[] all = new byte[4 << 20];
                new Random(5).nextBytes(all);
                CompletableFuture<byte[]> gotA = readAll(a, all.length);
                CompletableFuture<byte[]> gotB = readAll(b, all.length);
                OutputStream out = sender.getOutputStream();
                for (int off = 0; off < all.length; off += 32 * 1024) {
                    out.write(all, off, 32 * 1024);
                    if (off == all.length / 2) { // gone with unread bytes, an abortive close
                        leaver.setSoLinger(true, 0);
                        leaver.close();
                    }
                }
                assertArrayEquals(digest(all), digest(gotA.get(WAIT_S, TimeUnit.SECONDS)));
                assertArrayEquals(digest(all), digest(gotB.get(WAIT_S, TimeUnit.SECONDS)));
                assertTrue(closed.poll(WAIT_S, TimeUnit.SECONDS) != null, "the leaver's close was not reported");
            }
        }
    }

    private static CompletableFuture<byte[]> readAll(Socket s, int n) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return s.getInputStream().readNBytes(n);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private static byte[] digest(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
