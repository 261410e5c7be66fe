package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import netkit.NetkitException;
import netkit.engine.chat.Outbox;
import netkit.engine.stream.SocketLoop;
import netkit.output.Durations;

/**
 * {@code --broker}: every client's bytes go to every other client (never back to the sender), and
 * our input goes to all of them. What goes to a client waits in a queue of its own, bounded at
 * {@link #QUEUE_LIMIT} bytes. A full queue holds the sender back (TCP backpressure, so a slow reader
 * still gets everything), but a client whose queue does not move for {@link #STALL} is not reading:
 * it is disconnected instead of holding back every sender, and so the whole room, for good (ncat's
 * broker freezes that way).
 *
 * <p>Plain clients without {@code -x} or {@code -i} are served by one selector loop
 * ({@link SocketLoop}): no thread per idle client, and a client's bytes are written to every other
 * at once by the loop, only what a socket does not take being queued. A sender is held back by not
 * reading from it while a queue it filled is over the limit. Other clients (TLS) have a receive
 * pump and a writer thread draining their {@link Outbox}, and a sender waits while a queue is full.
 */
public final class BrokerHandler extends FanOutHandler {
    /** What may wait for one client before it counts as not reading. */
    public static final long QUEUE_LIMIT = 1 << 20;
    /** How long a full queue may stay full before its client counts as not reading. */
    public static final Duration STALL = Duration.ofSeconds(5);

    private final TrafficTap tap;
    private final boolean loopable;
    /** A client served by the loop. */
    private record LoopClient(Session session, SocketLoop.Registration registration) {}

    /** A client served by threads, and its queue. */
    private record ThreadedClient(Session session, Outbox outbox) {}

    /**
     * The clients, by connection id. A delivery walks these maps' values: no copy of the client
     * list and no look-up per client (at 10,000 clients each costs a broadcast milliseconds).
     */
    private final Map<Long, LoopClient> loopClients = new ConcurrentHashMap<>();

    private final Map<Long, ThreadedClient> threadedClients = new ConcurrentHashMap<>();
    /** Loop clients not read from because a queue they filled is over the limit. */
    private final Set<SocketLoop.Registration> heldBack = ConcurrentHashMap.newKeySet();
    /** Loop clients whose queue is over the limit: since when it has not moved, and how full it was. */
    private final Map<Session, long[]> full = new ConcurrentHashMap<>();

    private final WarningThrottle warnings;
    private SocketLoop loop;
    private Thread stallWatch;

    public BrokerHandler(ReadableByteChannel input, SessionOptions options, TrafficTap tap, TcpEvents events) {
        // Stdin's end must not half-close the clients: they go on talking to each other.
        super(
                options.traffic().sends() ? input : null,
                new SessionOptions(
                        options.idleTimeout(), StdinEofPolicy.KEEP, null, false, Traffic.BOTH, options.crlf()),
                events);
        this.tap = tap;
        this.loopable = tap == TrafficTap.NONE
                && (options.idleTimeout() == null || options.idleTimeout().isZero());
        this.warnings = new WarningThrottle(events::warning, Duration.ofSeconds(10));
    }

    private boolean onLoop(Connection c) {
        return loopable && c.transport().plain();
    }

    /** A loop client is registered at its admission; serving it only starts its reading. */
    @Override
    public boolean servesWithoutBlocking(Connection c) {
        return onLoop(c);
    }

    @Override
    protected Session newSession(Connection connection) {
        Session[] self = new Session[1];
        DataSink toOthers = (from, data) -> {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            deliver(self[0], bytes);
        };
        self[0] = new Session(connection, options, toOthers, tap, false);
        if (onLoop(connection) && register(self[0])) {
            return self[0]; // the loop reads it once served
        }
        Outbox outbox = new Outbox(QUEUE_LIMIT, "broker-out-" + connection.id(), new Outbox.Writer() {
            @Override
            public void write(byte[][] batch) throws IOException {
                ByteBuffer[] buffers = new ByteBuffer[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    buffers[i] = ByteBuffer.wrap(batch[i]);
                    tap.sent(connection, buffers[i].asReadOnlyBuffer());
                }
                connection.write(buffers);
            }

            @Override
            public void failed(Exception e) {
                self[0].finish(Outcome.CLOSED); // the client is gone; its session reports how
            }
        });
        threadedClients.put(connection.id(), new ThreadedClient(self[0], outbox));
        self[0].done().whenComplete((o, e) -> {
            outbox.abort();
            threadedClients.remove(connection.id());
        });
        return self[0];
    }

    @Override
    protected CompletableFuture<Outcome> run(Session session) {
        LoopClient client = loopClients.get(session.connection().id());
        if (client == null) {
            return session.start();
        }
        client.registration().start();
        return session.done();
    }

    /**
     * Registers a client with the loop at its admission, so that what others send after its
     * {@code connection} event reaches it; false when it cannot be (it is served by threads then).
     */
    private boolean register(Session session) {
        Connection c = session.connection();
        SocketLoop.Registration r;
        try {
            r = Hubs.register(loop(), c, 2 * QUEUE_LIMIT, new SocketLoop.Client() {
                @Override
                public void received(ByteBuffer data) {
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    deliver(session, bytes);
                }

                @Override
                public void drained() {
                    full.remove(session);
                    releaseHeldBack();
                }

                @Override
                public void ended(IOException error) {
                    session.finish(Hubs.outcome(c, error));
                }
            });
        } catch (IOException e) {
            return false;
        }
        loopClients.put(c.id(), new LoopClient(session, r));
        session.done().whenComplete((o, e) -> {
            loopClients.remove(c.id());
            heldBack.remove(r);
            if (full.remove(session) != null) {
                releaseHeldBack();
            }
        });
        return true;
    }

    /**
     * {@code bytes} from {@code from} (null: our input) to every other client. On a loop client's
     * thread (the loop) nothing waits: a queue over the limit holds the sender back instead.
     */
    private void deliver(Session from, byte[] bytes) {
        LoopClient sender =
                from == null ? null : loopClients.get(from.connection().id());
        boolean holdBack = false;
        if (!loopClients.isEmpty()) {
            // outside the heap once: a write from a heap array copies it there first, per client
            SocketLoop.Shared shared = SocketLoop.Shared.copyOf(bytes, 0, bytes.length);
            for (LoopClient other : loopClients.values()) {
                if (other == sender) {
                    continue;
                }
                SocketLoop.Registration r = other.registration();
                switch (r.offer(shared)) {
                    case TAKEN -> {}
                    case BACKLOGGED -> { // over QUEUE_LIMIT (half its limit) waiting for it
                        full.computeIfAbsent(other.session(), k -> new long[] {System.nanoTime(), r.queued()});
                        holdBack = true;
                    }
                    case REFUSED -> {
                        if (r.accepting()) { // twice the limit waiting: not reading, whoever sent
                            notReading(other.session(), r);
                        }
                    }
                }
            }
        }
        for (ThreadedClient other : threadedClients.values()) {
            if (other.session() != from && !offer(other.outbox(), bytes, other.session(), sender == null)) {
                other.outbox().abort();
                warnNotReading();
                other.session().finish(notReadingOutcome());
            }
        }
        if (holdBack && sender != null) {
            heldBack.add(sender.registration());
            sender.registration().pauseReading();
            watchStalls();
        }
    }

    private void releaseHeldBack() {
        if (full.isEmpty()) {
            for (SocketLoop.Registration r : heldBack) {
                heldBack.remove(r);
                r.resumeReading();
            }
        }
    }

    private void notReading(Session client, SocketLoop.Registration r) {
        r.discard();
        warnNotReading();
        client.finish(notReadingOutcome());
    }

    private void warnNotReading() {
        warnings.warn("--broker: disconnected a client that did not read for " + Durations.text(STALL) + " ("
                + (QUEUE_LIMIT >> 20) + " MiB waiting for it)");
    }

    private static Outcome notReadingOutcome() {
        return Outcome.error(NetkitException.failure(
                "ENOBUFS", "not reading: " + (QUEUE_LIMIT >> 20) + " MiB waiting for it", null));
    }

    /** Disconnects loop clients whose full queue has not moved for {@link #STALL}; runs while some are full. */
    private synchronized void watchStalls() {
        if (stallWatch != null && stallWatch.isAlive()) {
            return;
        }
        stallWatch = Threads.start("broker-stalls", () -> {
            long stall = STALL.toNanos();
            while (!full.isEmpty()) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                for (Map.Entry<Session, long[]> e : full.entrySet()) {
                    LoopClient client = loopClients.get(e.getKey().connection().id());
                    SocketLoop.Registration r = client == null ? null : client.registration();
                    long[] since = e.getValue();
                    long queued = r == null ? 0 : r.queued();
                    if (r == null || queued <= QUEUE_LIMIT) {
                        full.remove(e.getKey());
                    } else if (queued < since[1]) { // it moved: the client reads
                        since[0] = now;
                        since[1] = queued;
                    } else if (now - since[0] >= stall) {
                        full.remove(e.getKey());
                        notReading(e.getKey(), r);
                    }
                }
                releaseHeldBack();
            }
        });
    }

    private synchronized SocketLoop loop() throws IOException {
        if (loop == null) {
            loop = new SocketLoop("broker-loop");
        }
        return loop;
    }

    @Override
    public void close() {
        super.close();
        synchronized (this) {
            if (loop != null) {
                loop.close();
            }
        }
    }

    /**
     * Queues {@code bytes} for {@code to}, waiting while its queue is full and moving ({@code wait});
     * false when it stayed full for {@link #STALL} (or at once, without {@code wait}).
     */
    private static boolean offer(Outbox box, byte[] bytes, Session to, boolean wait) {
        long stall = STALL.toNanos();
        long queued = box.queuedBytes();
        long deadline = System.nanoTime() + stall;
        while (!box.offer(bytes)) {
            if (to.isDone()) {
                return true; // gone anyway: nothing to wait for
            }
            if (!wait) {
                return false;
            }
            long now = System.nanoTime();
            long q = box.queuedBytes();
            if (q < queued) { // the writer took a batch: the client reads
                deadline = now + stall;
            }
            queued = q;
            if (now >= deadline) {
                return false;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
