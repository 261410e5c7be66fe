package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import netkit.engine.stream.SocketLoop;

/**
 * {@code --echo}: every client gets back exactly what it sends. When the client half-closes,
 * everything it sent has been echoed before our FIN and close.
 *
 * <p>A plain client without {@code -x} or {@code -i} is served by one selector loop (no thread
 * while it is idle): what it sends is written back at once, and while the socket does not take
 * all of it the loop stops reading from that client until the rest is out, so a client that
 * does not read is held back by TCP, as the blocking path holds it. Others get a {@link Session}.
 */
public final class EchoHandler implements ConnectionHandler {
    /** Bytes that may wait for one client: the loop reads at most one buffer more after it stopped reading. */
    private static final long QUEUE_LIMIT = 1 << 20;
    /** The blocking path writes to a client that half-closed until it reads or goes: so does the loop's. */
    private static final Duration HALF_CLOSED_GRACE = Duration.ofDays(1);

    private final SessionOptions options;
    private final TrafficTap tap;
    private SocketLoop loop;

    public EchoHandler(SessionOptions options, TrafficTap tap) {
        this.options = options.withTraffic(Traffic.BOTH);
        this.tap = tap;
    }

    @Override
    public Outcome serve(Connection connection) {
        DataSink back = (from, data) -> {
            tap.sent(from, data.asReadOnlyBuffer());
            from.write(data);
        };
        return new Session(connection, options, back, tap, false).start().join();
    }

    /** Whether {@code c} is served by the loop: a plain socket, without {@code -x} or {@code -i}. */
    @Override
    public boolean servesWithoutBlocking(Connection c) {
        boolean idleTimeout =
                options.idleTimeout() != null && !options.idleTimeout().isZero();
        return c.transport().plain() && tap == TrafficTap.NONE && !idleTimeout;
    }

    @Override
    public CompletableFuture<Outcome> serveDetached(Connection c) {
        if (!servesWithoutBlocking(c)) {
            return CompletableFuture.completedFuture(serve(c));
        }
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        SocketLoop.Registration[] self = new SocketLoop.Registration[1];
        try {
            self[0] = Hubs.register(loop(), c, QUEUE_LIMIT, new SocketLoop.Client() {
                @Override
                public void received(ByteBuffer data) {
                    ByteBuffer copy =
                            ByteBuffer.allocate(data.remaining()).put(data).flip();
                    SocketLoop.Registration r = self[0];
                    if (!r.offer(copy)) {
                        c.close(); // cannot happen while reading stops at the first byte queued
                    } else if (r.queued() > 0) {
                        r.pauseReading();
                    }
                }

                @Override
                public void drained() {
                    self[0].resumeReading();
                }

                @Override
                public void ended(IOException error) {
                    if (error == null) { // half-closed: echo the rest, then FIN and close
                        self[0].finish(HALF_CLOSED_GRACE, () -> done.complete(Outcome.CLOSED));
                    } else {
                        done.complete(Hubs.outcome(c, error));
                    }
                }
            });
        } catch (IOException e) {
            return CompletableFuture.completedFuture(Hubs.outcome(c, e));
        }
        self[0].start();
        return done;
    }

    private synchronized SocketLoop loop() throws IOException {
        if (loop == null) {
            loop = new SocketLoop("echo-loop");
        }
        return loop;
    }

    @Override
    public synchronized void close() {
        if (loop != null) {
            loop.close();
        }
    }
}
