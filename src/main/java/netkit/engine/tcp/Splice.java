package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import netkit.NetkitException;

/**
 * Two connections joined both ways (a forwarded client and its upstream, a proxy's client and its
 * destination): two pumps and a join.
 * Each pump reads one side and writes the other with blocking calls, so a side that does not read
 * stops its pump, which stops reading the other side: the kernel's windows are the only buffers
 * (backpressure end to end). A FIN from one side becomes a FIN to the other (half-close both ways);
 * the splice ends when both directions ended, on the idle timeout, or on the first error, and then
 * closes both connections.
 *
 * <p>Buffers grow with the traffic: a pump starts with {@link #FIRST_BUFFER} bytes (an idle or
 * chatty connection stays cheap) and quadruples whenever a read fills its buffer, up to the
 * {@code maxBuffer} the caller chooses (large for a few bulk transfers, modest for thousands).
 *
 * <p>On Linux, when both transports are plain and no tap looks at the bytes, each pump moves its
 * direction socket → pipe → socket with {@code splice(2)} ({@link SplicePump#forward}): the bytes never
 * enter the JVM, the connections still count them, the bounded pipe keeps the backpressure, and EOF,
 * errors and the idle timeout behave as above. Those pumps wait in {@code poll(2)}, which would pin a
 * virtual thread's carrier, so they run on platform threads: a caller's bulk splice ({@code platform}),
 * or one of {@link #ZERO_COPY_SLOTS} others at a time (a proxy's tunnels); the rest stay on buffers.
 * Only with {@code -Dnetkit.zeroCopy=all} for now: on loopback it measured slower than the buffers
 * ({@link SplicePump#forwardUsable}); {@code off} switches every zero-copy path off.
 */
public final class Splice {
    static final int FIRST_BUFFER = 8 * 1024;
    /** The largest buffer for a few bulk transfers: fewer syscalls per byte. */
    public static final int BULK_BUFFER = 256 * 1024;
    /** Up to this many open connections of a listener, each splice gets bulk buffers and platform-thread pumps. */
    public static final int BULK_CONNECTIONS = 4;
    /** The largest buffer when thousands of connections may share the memory. */
    public static final int SHARED_BUFFER = 32 * 1024;
    /** How many splices not run on platform threads by their caller may still go zero-copy at once. */
    static final int ZERO_COPY_SLOTS = 4;

    private static final Semaphore SLOTS = new Semaphore(ZERO_COPY_SLOTS);

    private final Connection client;
    private final Connection upstream;
    private final TrafficTap tap;
    private final Duration idleTimeout;
    private final int maxBuffer;
    private final CompletableFuture<Outcome> done = new CompletableFuture<>();
    private final AtomicInteger ended = new AtomicInteger();
    private volatile boolean clientEnded;
    private volatile boolean upstreamEnded;

    /**
     * @param tap         sees client→upstream bytes as received from the client, upstream→client as sent to it
     * @param idleTimeout end when nothing moved either way for this long; null = never
     * @param maxBuffer   the largest read buffer a pump grows to
     */
    public Splice(Connection client, Connection upstream, TrafficTap tap, Duration idleTimeout, int maxBuffer) {
        this.client = client;
        this.upstream = upstream;
        this.tap = tap;
        this.idleTimeout = idleTimeout;
        this.maxBuffer = Math.max(FIRST_BUFFER, maxBuffer);
    }

    /**
     * Sends {@code first} (bytes the client sent ahead, e.g. after a proxy request) upstream, then runs
     * both pumps ({@code platform}: on platform threads) and returns when the splice ended.
     */
    public Outcome run(ByteBuffer first, boolean platform) {
        if (first != null && first.hasRemaining()) {
            try {
                tap.received(client, first.asReadOnlyBuffer());
                upstream.write(first);
            } catch (IOException e) {
                client.close();
                upstream.close();
                return Outcome.error(
                        NetkitException.from(e, "send to " + upstream.remote().text()));
            }
        }
        return run(platform);
    }

    /** Runs both pumps ({@code platform}: on platform threads) and returns when the splice ended. */
    public Outcome run(boolean platform) {
        boolean zeroCopy = tap == TrafficTap.NONE && SplicePump.forwardUsable(client.transport(), upstream.transport());
        boolean slot = zeroCopy && !platform && SLOTS.tryAcquire();
        boolean onPlatform = platform || slot;
        boolean direct = zeroCopy && onPlatform;
        start(onPlatform, "fwd-up-" + client.id(), () -> pump(client, upstream, true, direct));
        start(onPlatform, "fwd-down-" + client.id(), () -> pump(upstream, client, false, direct));
        if (idleTimeout != null && !idleTimeout.isZero()) {
            Threads.start("fwd-idle-" + client.id(), this::watchIdle);
        }
        try {
            return done.join();
        } finally {
            client.close();
            upstream.close();
            if (slot) {
                SLOTS.release();
            }
        }
    }

    private static void start(boolean platform, String name, Runnable body) {
        if (platform) {
            Threads.startBulk(name, body);
        } else {
            Threads.start(name, body);
        }
    }

    private void pump(Connection from, Connection to, boolean fromClient, boolean zeroCopy) {
        if (zeroCopy) {
            try {
                switch (SplicePump.forward(from, to)) {
                    case EOF -> {
                        ended(to, fromClient);
                        return;
                    }
                    case CLOSED -> {
                        finish(Outcome.CLOSED); // closed on purpose (kick, shutdown, the other pump's end)
                        return;
                    }
                    case FALLBACK -> {
                        // the buffer path below goes on from where it stopped
                    }
                }
            } catch (SplicePump.OutputFailed e) {
                sendFailed(e.getCause(), to, fromClient);
                return;
            } catch (IOException | RuntimeException e) {
                fail(e, "receive from " + from.remote().text());
                return;
            }
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(FIRST_BUFFER);
        try {
            while ((buf = relay(from, to, fromClient, buf)) != null) {
                // a chunk per call: relay() is compiled after a few hundred calls, where this loop's body (a
                // few thousand chunks per GiB) would run interpreted until on-stack replacement, tens of
                // thousands of iterations in
            }
        } catch (SplicePump.OutputFailed e) {
            sendFailed(e.getCause(), to, fromClient);
            return;
        } catch (IOException | RuntimeException e) {
            fail(e, "receive from " + from.remote().text());
            return;
        }
        ended(to, fromClient);
    }

    /**
     * Reads what {@code from} has into {@code buf} and writes it to {@code to} (a failure to write thrown as
     * {@link SplicePump.OutputFailed}): the buffer for the next chunk, larger when this one filled it, or
     * null at {@code from}'s EOF.
     */
    private ByteBuffer relay(Connection from, Connection to, boolean fromClient, ByteBuffer buf) throws IOException {
        buf.clear();
        int n = from.read(buf);
        if (n < 0) {
            return null;
        }
        buf.flip();
        if (fromClient) {
            tap.received(client, buf.asReadOnlyBuffer());
        } else {
            tap.sent(client, buf.asReadOnlyBuffer());
        }
        try {
            to.write(buf);
        } catch (IOException e) {
            throw new SplicePump.OutputFailed(e);
        }
        if (n == buf.capacity() && buf.capacity() < maxBuffer) {
            return ByteBuffer.allocateDirect(Math.min(maxBuffer, buf.capacity() * 4));
        }
        return buf;
    }

    /** Writing to {@code to} failed. */
    private void sendFailed(Throwable e, Connection to, boolean fromClient) {
        if (fromClient ? upstreamEnded : clientEnded) {
            // the receiving side had ended its sending and now closed for good: a normal end
            finish(Outcome.CLOSED);
        } else {
            fail(e, "send to " + to.remote().text());
        }
    }

    /** The side this pump read sent its FIN: pass it on to {@code to}. */
    private void ended(Connection to, boolean fromClient) {
        if (fromClient) {
            clientEnded = true;
        } else {
            upstreamEnded = true;
        }
        try {
            to.shutdownOutput();
        } catch (IOException e) {
            // the other side is gone already: its own pump reports how
        }
        if (ended.incrementAndGet() == 2) {
            finish(Outcome.CLOSED);
        }
    }

    private void watchIdle() {
        IdleWatch.run(
                done,
                idleTimeout,
                () -> Math.max(client.lastActivityNanos(), upstream.lastActivityNanos()),
                () -> finish(Outcome.IDLE_TIMEOUT));
    }

    private void fail(Throwable e, String what) {
        if (done.isDone() || !client.isOpen() || !upstream.isOpen()) {
            finish(Outcome.CLOSED); // closed on purpose (kick, shutdown, the other pump's end)
            return;
        }
        finish(Outcome.error(NetkitException.from(e, what)));
    }

    private void finish(Outcome outcome) {
        if (done.complete(outcome)) {
            client.close();
            upstream.close();
        }
    }
}
