package netkit.engine.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hubs' selector loop on real loopback sockets: what is not written at once, reading, the end. */
@Timeout(60)
class SocketLoopTest {
    private static final long WAIT_S = 20;

    private SocketLoop loop;
    private ServerSocketChannel server;

    @BeforeEach
    void open() throws IOException {
        loop = new SocketLoop("test-loop");
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void close() throws IOException {
        loop.close();
        server.close();
    }

    /** A connected pair: the client's socket, and the server's end (accepted, to register). */
    private record Pair(Socket client, SocketChannel served) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            served.close();
        }
    }

    private Pair pair(int clientReceiveBuffer) throws IOException {
        Socket client = new Socket();
        if (clientReceiveBuffer > 0) {
            client.setReceiveBufferSize(clientReceiveBuffer);
        }
        client.connect(server.getLocalAddress());
        SocketChannel served = server.accept();
        served.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        return new Pair(client, served);
    }

    /** Records what the loop tells a client. */
    private static final class Recorder implements SocketLoop.Client {
        final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        final BlockingQueue<String> ends = new LinkedBlockingQueue<>();
        final AtomicLong sent = new AtomicLong();
        final AtomicInteger drained = new AtomicInteger();

        @Override
        public void received(ByteBuffer data) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            received.add(b);
        }

        @Override
        public void ended(IOException error) {
            ends.add(error == null ? "eof" : error instanceof ClosedChannelException ? "closed" : "error");
        }

        @Override
        public void sent(long n) {
            sent.addAndGet(n);
        }

        @Override
        public void drained() {
            drained.incrementAndGet();
        }
    }

    @Test
    void partialWritesAreQueuedAndFlushedInOrderWhenTheReaderCatchesUp() throws Exception {
        try (Pair p = pair(16 * 1024)) {
            Recorder rec = new Recorder();
            SocketLoop.Registration r = loop.register(p.served(), 64 << 20, rec);
            r.start();
            byte[] all = new byte[8 << 20];
            new Random(7).nextBytes(all);
            // the client does not read yet: the socket takes a few hundred KiB, the rest must wait in order
            long maxQueued = 0;
            for (int off = 0; off < all.length; off += 64 * 1024) {
                assertTrue(r.offer(ByteBuffer.wrap(all, off, 64 * 1024)));
                maxQueued = Math.max(maxQueued, r.queued());
            }
            assertTrue(maxQueued > 0, "nothing was queued: the test did not fill the socket");
            InputStream in = p.client().getInputStream();
            byte[] got = in.readNBytes(all.length);
            assertArrayEquals(digest(all), digest(got));
            assertTrue(r.awaitFlushed(Duration.ofSeconds(WAIT_S)));
            assertEquals(0, r.queued());
            assertEquals(all.length, rec.sent.get());
            assertEquals(all.length, r.sentBytes());
            assertTrue(rec.drained.get() > 0);
        }
    }

    @Test
    void aClientThatDoesNotReadIsRefusedAtTheLimitInsteadOfBufferedWithoutBound() throws Exception {
        try (Pair p = pair(16 * 1024)) {
            SocketLoop.Registration r = loop.register(p.served(), 1 << 20, new Recorder());
            r.start();
            byte[] chunk = new byte[16 * 1024];
            long offered = 0;
            int refusedAt = -1;
            for (int i = 0; i < 4096; i++) { // 64 MiB at most: far beyond what the sockets and the limit hold
                if (!r.offer(ByteBuffer.wrap(chunk))) {
                    refusedAt = i;
                    break;
                }
                offered += chunk.length;
                assertTrue(r.queued() <= 1 << 20, "queued " + r.queued());
            }
            assertTrue(refusedAt > 0, "never refused after " + offered + " bytes");
            assertFalse(r.awaitFlushed(Duration.ofMillis(50)), "flushed although nobody read");
            assertTrue(r.accepting()); // refused, not broken: the owner decides (the hubs disconnect it)
        }
    }

    @Test
    void readsArriveInOrderAndTheEndOfStreamIsToldOnceThenTheFinishRuns() throws Exception {
        try (Pair p = pair(0)) {
            Recorder rec = new Recorder();
            SocketLoop.Registration r = loop.register(p.served(), 1 << 20, rec);
            r.start();
            byte[] all = new byte[1 << 20];
            new Random(9).nextBytes(all);
            p.client().getOutputStream().write(all);
            p.client().shutdownOutput();
            assertEquals("eof", rec.ends.poll(WAIT_S, TimeUnit.SECONDS));
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b;
            long n = 0;
            while ((b = rec.received.poll()) != null) {
                md.update(b);
                n += b.length;
            }
            assertEquals(all.length, n);
            assertArrayEquals(digest(all), md.digest());
            // after the peer's FIN, what we still send goes out before the finish closes the socket
            assertTrue(r.offer(ByteBuffer.wrap("bye\n".getBytes())));
            CountDownLatch finished = new CountDownLatch(1);
            r.finish(Duration.ofSeconds(WAIT_S), () -> {
                try {
                    p.served().close();
                } catch (IOException ignored) {
                    // the test checks what the client read
                }
                finished.countDown();
            });
            assertTrue(finished.await(WAIT_S, TimeUnit.SECONDS));
            assertEquals("bye\n", new String(p.client().getInputStream().readAllBytes()));
            assertFalse(r.offer(ByteBuffer.wrap(new byte[1])), "an offer after finish must be refused");
            assertNull(rec.ends.poll(100, TimeUnit.MILLISECONDS), "ended told twice");
        }
    }

    @Test
    void closingTheSocketFromAnotherThreadEndsItsRegistration() throws Exception {
        try (Pair p = pair(0)) {
            Recorder rec = new Recorder();
            SocketLoop.Registration r = loop.register(p.served(), 1 << 20, rec);
            r.start();
            p.served().close();
            r.changed(); // what a connection's close hook does
            assertEquals("closed", rec.ends.poll(WAIT_S, TimeUnit.SECONDS));
            assertFalse(r.accepting());
        }
    }

    @Test
    void pausedReadingHoldsThePeerBackUntilResumed() throws Exception {
        try (Pair p = pair(0)) {
            Recorder rec = new Recorder();
            SocketLoop.Registration r = loop.register(p.served(), 1 << 20, rec);
            r.pauseReading();
            r.start();
            p.client().getOutputStream().write("held\n".getBytes());
            // while paused nothing may arrive; this bounded wait can only make the test pass wrongly, never fail
            // wrongly
            assertNull(rec.received.poll(200, TimeUnit.MILLISECONDS));
            r.resumeReading();
            byte[] got = rec.received.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(got);
            assertEquals("held\n", new String(got));
        }
    }

    private static byte[] digest(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
