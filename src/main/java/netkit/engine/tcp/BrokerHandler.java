package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import netkit.NetkitException;
import netkit.engine.chat.Outbox;
import netkit.output.Durations;

/**
 * {@code --broker}: every client's bytes go to every other client (never back to the sender), and
 * our input goes to all of them. What goes to a client waits in a queue of its own, bounded at
 * {@link #QUEUE_LIMIT} bytes and written by its own thread (the chat room's {@link Outbox}). A
 * full queue holds the sender back (TCP backpressure, so a slow reader still gets everything), but
 * a client whose queue does not move for {@link #STALL} is not reading: it is disconnected instead
 * of holding back every sender, and so the whole room, for good (ncat's broker freezes that way).
 */
public final class BrokerHandler extends FanOutHandler {
    /** What may wait for one client before it counts as not reading. */
    public static final long QUEUE_LIMIT = 1 << 20;
    /** How long a full queue may stay full before its client counts as not reading. */
    public static final Duration STALL = Duration.ofSeconds(5);

    private final TrafficTap tap;
    private final Map<Long, Outbox> outboxes = new ConcurrentHashMap<>();
    private final WarningThrottle warnings;

    public BrokerHandler(ReadableByteChannel input, SessionOptions options, TrafficTap tap, TcpEvents events) {
        // Stdin's end must not half-close the clients: they go on talking to each other.
        super(
                options.traffic().sends() ? input : null,
                new SessionOptions(
                        options.idleTimeout(), StdinEofPolicy.KEEP, null, false, Traffic.BOTH, options.crlf()),
                events);
        this.tap = tap;
        this.warnings = new WarningThrottle(events::warning, Duration.ofSeconds(10));
    }

    @Override
    protected Session newSession(Connection connection) {
        Session[] self = new Session[1];
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
        outboxes.put(connection.id(), outbox);
        DataSink toOthers = (from, data) -> {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            for (Session other : others(self[0])) {
                Outbox box = outboxes.get(other.connection().id());
                if (box != null && !offer(box, bytes, other)) {
                    box.abort();
                    warnings.warn("--broker: disconnected a client that did not read for " + Durations.text(STALL)
                            + " (" + (QUEUE_LIMIT >> 20) + " MiB waiting for it)");
                    other.finish(Outcome.error(NetkitException.failure(
                            "ENOBUFS", "not reading: " + (QUEUE_LIMIT >> 20) + " MiB waiting for it", null)));
                }
            }
        };
        self[0] = new Session(connection, options, toOthers, tap, false);
        self[0].done().whenComplete((o, e) -> {
            outbox.abort();
            outboxes.remove(connection.id());
        });
        return self[0];
    }

    /**
     * Queues {@code bytes} for {@code to}, waiting while its queue is full and moving; false when it
     * stayed full for {@link #STALL} (or {@code to} ended meanwhile).
     */
    private static boolean offer(Outbox box, byte[] bytes, Session to) {
        long stall = STALL.toNanos();
        long queued = box.queuedBytes();
        long deadline = System.nanoTime() + stall;
        while (!box.offer(bytes)) {
            if (to.isDone()) {
                return true; // gone anyway: nothing to wait for
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
