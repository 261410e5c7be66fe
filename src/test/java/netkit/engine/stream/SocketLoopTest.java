package netkit.engine.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import netkit.sys.ZeroCopy;
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
    private static class Recorder implements SocketLoop.Client {
        final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
        final BlockingQueue<String> ends = new LinkedBlockingQueue<>();
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
        public void drained() {
            drained.incrementAndGet();
        }
    }

    @Test
    void aTaskRunsOnTheLoopsThreadAndNoneIsTakenOnceTheLoopIsClosed() throws Exception {
        BlockingQueue<String> ranOn = new LinkedBlockingQueue<>();
        assertTrue(loop.execute(() -> ranOn.add(Thread.currentThread().getName())));
        assertEquals("test-loop", ranOn.poll(WAIT_S, TimeUnit.SECONDS));
        // a task that fails does not end the loop: the next one runs
        Thread.UncaughtExceptionHandler quiet = (t, e) -> ranOn.add("failed: " + e.getMessage());
        assertTrue(loop.execute(() -> Thread.currentThread().setUncaughtExceptionHandler(quiet)));
        assertTrue(loop.execute(() -> {
            throw new IllegalStateException("a bug");
        }));
        assertTrue(loop.execute(() -> ranOn.add("after the failure")));
        assertEquals("failed: a bug", ranOn.poll(WAIT_S, TimeUnit.SECONDS));
        assertEquals("after the failure", ranOn.poll(WAIT_S, TimeUnit.SECONDS));
        loop.close();
        assertFalse(loop.execute(() -> ranOn.add("after close")));
        assertNull(ranOn.poll(200, TimeUnit.MILLISECONDS));
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

    /**
     * A broadcast as the broker makes it: one client's bytes, on the loop's thread, offered to other
     * registrations as shared bytes. They go straight to the descriptors ({@code send(2)}); what a
     * socket does not take is queued as a view and flushed in order, byte-exact.
     */
    @Test
    void sharedBytesOfferedOnTheLoopThreadGoStraightToTheSocketAndTheRestIsQueuedInOrder() throws Exception {
        assumeTrue(ZeroCopy.available(), "send(2) needs Linux and native access");
        byte[] big = new byte[4 << 20];
        new Random(11).nextBytes(big);
        SocketLoop.Shared shared = SocketLoop.Shared.copyOf(big, 0, big.length);
        try (Pair trigger = pair(0);
                Pair small = pair(0);
                Pair slow = pair(16 * 1024)) {
            SocketLoop.Registration toSmall = loop.register(small.served(), 64 << 20, new Recorder());
            // 6 MiB: most of the 4 MiB waits, over half the limit
            SocketLoop.Registration toSlow = loop.register(slow.served(), 6 << 20, new Recorder());
            toSmall.start();
            toSlow.start();
            SocketLoop.Shared hello = SocketLoop.Shared.copyOf("hello\n".getBytes(), 0, 6);
            BlockingQueue<String> offered = new LinkedBlockingQueue<>();
            SocketLoop.Registration from = loop.register(trigger.served(), 1 << 20, new Recorder() {
                @Override
                public void received(ByteBuffer data) {
                    data.position(data.limit());
                    offered.add(toSmall.offer(hello) + " " + toSlow.offer(shared));
                }
            });
            from.start();
            // the keys are registered by the loop: a round trip through the trigger makes sure
            trigger.client().getOutputStream().write('x');
            assertEquals("TAKEN BACKLOGGED", offered.poll(WAIT_S, TimeUnit.SECONDS));
            assertArrayEquals(
                    "hello\n".getBytes(), small.client().getInputStream().readNBytes(6));
            assertEquals(6, toSmall.sentDirectly(), "a whole small write went by send(2)");
            byte[] got = slow.client().getInputStream().readNBytes(big.length);
            assertArrayEquals(digest(big), digest(got));
            assertTrue(toSlow.awaitFlushed(Duration.ofSeconds(WAIT_S)));
            assertEquals(big.length, toSlow.sentBytes());
            long direct = toSlow.sentDirectly();
            assertTrue(direct > 0 && direct < big.length, "send(2) took the first part, the loop the rest: " + direct);
            assertEquals(4 << 20, shared.length(), "the shared bytes are not consumed");
        }
    }

    /**
     * A direct send does not say why it took nothing (full, or failed): the bytes are queued either way, and the
     * loop's flush finds the error. Here the peer reset the connection and the registration does not read, so
     * only that flush can end it.
     */
    @Test
    void aDirectSendToAResetPeerEndsTheRegistrationThroughTheFlush() throws Exception {
        assumeTrue(ZeroCopy.available(), "send(2) needs Linux and native access");
        try (Pair trigger = pair(0);
                Pair reset = pair(0)) {
            Recorder resetEnds = new Recorder();
            SocketLoop.Registration toReset = loop.register(reset.served(), 1 << 20, resetEnds);
            toReset.pauseReading(); // the loop must not learn of the reset by reading
            toReset.start();
            SocketLoop.Shared bytes = SocketLoop.Shared.copyOf(new byte[] {1, 2, 3}, 0, 3);
            SocketLoop.Registration from = loop.register(trigger.served(), 1 << 20, new Recorder() {
                @Override
                public void received(ByteBuffer data) {
                    data.position(data.limit());
                    toReset.offer(bytes);
                }
            });
            from.start();
            reset.client().setSoLinger(true, 0);
            reset.client().close(); // RST
            String end = null;
            for (int i = 0; i < 50 && end == null; i++) { // each trigger byte makes the loop offer once more
                trigger.client().getOutputStream().write('x');
                end = resetEnds.ends.poll(200, TimeUnit.MILLISECONDS);
            }
            assertEquals("error", end);
            assertEquals(0, toReset.sentBytes());
        }
    }

    /**
     * The loop sends straight to a descriptor without asking its key while no {@code select} dropped a key it had
     * not given up. A channel closed by another thread, and not told to the loop, loses its key and descriptor in
     * the next {@code select}; a new connection then gets that descriptor's number. The loop must ask the keys
     * from then on: an offer to the closed registration must not reach the new connection.
     */
    @Test
    void aChannelClosedBehindTheLoopsBackIsNotSentToOnceItsDescriptorIsReused() throws Exception {
        assumeTrue(ZeroCopy.available(), "send(2) needs Linux and native access");
        Pair victim = pair(0);
        try (Pair trigger = pair(0)) {
            SocketLoop.Registration v = loop.register(victim.served(), 1 << 20, new Recorder());
            v.start();
            int victimFd = netkit.sys.Descriptors.fd(victim.served());
            SocketLoop.Shared stray = SocketLoop.Shared.copyOf("stray\n".getBytes(), 0, 6);
            BlockingQueue<String> turns = new LinkedBlockingQueue<>();
            SocketLoop.Registration from = loop.register(trigger.served(), 1 << 20, new Recorder() {
                @Override
                public void received(ByteBuffer data) {
                    while (data.hasRemaining()) {
                        turns.add(data.get() == 'o' ? String.valueOf(v.offer(stray)) : "turn");
                    }
                }
            });
            from.start();
            OutputStream t = trigger.client().getOutputStream();
            t.write('x'); // a turn of the loop: the victim's key is registered by now
            assertEquals("turn", turns.poll(WAIT_S, TimeUnit.SECONDS));
            victim.served().close(); // by this thread; the loop is not told
            t.write('x'); // the select before this turn dropped the key and closed the descriptor
            assertEquals("turn", turns.poll(WAIT_S, TimeUnit.SECONDS));
            SocketChannel fresh = null;
            List<SocketChannel> others = new ArrayList<>();
            for (int i = 0; i < 8 && fresh == null; i++) { // the lowest free number is taken first: the victim's
                SocketChannel c = SocketChannel.open(server.getLocalAddress());
                if (netkit.sys.Descriptors.fd(c) == victimFd) {
                    fresh = c;
                } else {
                    others.add(c);
                }
            }
            assumeTrue(fresh != null, "no new socket got the closed descriptor's number");
            try (SocketChannel peer = server.accept()) {
                t.write('o');
                String offered = turns.poll(WAIT_S, TimeUnit.SECONDS);
                assertTrue(offered != null && !offered.equals("turn"), "the loop offered: " + offered);
                assertEquals(0, v.sentDirectly(), "nothing went to the closed registration's old descriptor");
                // every accepted peer: the one that belongs to the fresh socket may be any of them
                List<SocketChannel> peers = new ArrayList<>(List.of(peer));
                for (int i = 0; i < others.size(); i++) {
                    peers.add(server.accept());
                }
                for (SocketChannel p : peers) {
                    p.configureBlocking(false);
                    assertEquals(0, p.read(ByteBuffer.allocate(64)), "bytes reached the new connection");
                    p.close();
                }
            } finally {
                fresh.close();
                for (SocketChannel c : others) {
                    c.close();
                }
            }
        } finally {
            victim.client().close();
        }
    }

    /** Off the loop's thread an offer goes through the channel, never by descriptor. */
    @Test
    void offersFromOtherThreadsUseTheChannel() throws Exception {
        try (Pair p = pair(0)) {
            SocketLoop.Registration r = loop.register(p.served(), 1 << 20, new Recorder());
            r.start();
            assertEquals(SocketLoop.Offered.TAKEN, r.offer(SocketLoop.Shared.copyOf(new byte[] {1, 2, 3}, 0, 3)));
            assertArrayEquals(new byte[] {1, 2, 3}, p.client().getInputStream().readNBytes(3));
            assertEquals(3, r.sentBytes());
            assertEquals(0, r.sentDirectly());
        }
    }

    /**
     * The guard of the direct send: sockets closed by another thread while the loop broadcasts to
     * them, and new connections accepted at once (the kernel hands out the lowest free descriptor
     * numbers again), must never get a byte meant for a closed one.
     */
    @Test
    void socketsClosedByAnotherThreadDuringBroadcastsNeverLeakBytesToNewConnections() throws Exception {
        int victims = 40;
        int rounds = 200;
        List<SocketLoop.Registration> targets = new CopyOnWriteArrayList<>();
        List<Pair> open = new ArrayList<>();
        try (Pair trigger = pair(0)) {
            for (int i = 0; i < victims; i++) {
                Pair v = pair(0);
                open.add(v);
                SocketLoop.Registration r = loop.register(v.served(), 1 << 20, new Recorder());
                r.start();
                targets.add(r);
            }
            SocketLoop.Shared line = SocketLoop.Shared.copyOf("for the victims\n".getBytes(), 0, 16);
            CountDownLatch done = new CountDownLatch(rounds);
            SocketLoop.Registration from = loop.register(trigger.served(), 1 << 20, new Recorder() {
                @Override
                public void received(ByteBuffer data) {
                    for (int i = data.remaining(); i > 0; i--) {
                        for (SocketLoop.Registration t : targets) {
                            t.offer(line);
                        }
                        done.countDown();
                    }
                    data.position(data.limit());
                }
            });
            from.start();
            List<Pair> fresh = new ArrayList<>();
            OutputStream rounds0 = trigger.client().getOutputStream();
            for (int round = 0; round < rounds; round++) {
                rounds0.write('r');
                if (round % 5 == 0 && round / 5 < victims) {
                    Pair v = open.get(round / 5);
                    v.served().close(); // by this thread, while the loop broadcasts
                    fresh.add(pair(0)); // likely takes the descriptor number just freed
                }
            }
            assertTrue(done.await(WAIT_S, TimeUnit.SECONDS));
            // loopback delivers during send(2): whatever went astray is in a receive queue by now
            for (Pair f : fresh) {
                assertEquals(0, f.client().getInputStream().available(), "bytes reached a new connection");
                f.close();
            }
        } finally {
            for (Pair v : open) {
                v.close();
            }
        }
    }

    private static byte[] digest(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
