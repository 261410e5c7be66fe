package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import netkit.NetkitException;

/**
 * One relay over one connection: a pump from the socket to a {@link DataSink} on its own virtual
 * thread, input pushed in through {@link #send}/{@link #endOfInput}, and the rules that end it.
 *
 * <p>The session ends when the peer has closed and our input is over too (or half-open is not
 * allowed); when the input ends under {@code --stdin-eof=close}; {@code -q} after the input ended;
 * after the idle timeout; or on an error. Ending closes the socket once.
 */
public final class Session implements InputTarget {
    /** Large reads cut syscalls; a direct buffer avoids a copy inside the JDK. */
    static final int BUFFER_SIZE = 256 * 1024;
    /** Per connection of a server with many clients: memory per client matters more than syscalls. */
    static final int SMALL_BUFFER_SIZE = 32 * 1024;

    private final Connection connection;
    private final SessionOptions options;
    private final DataSink sink;
    private final TrafficTap tap;
    private final boolean hasInput;
    private final boolean bulk;
    private final CompletableFuture<Outcome> done = new CompletableFuture<>();
    private volatile boolean peerEnded;
    private volatile boolean inputEnded;
    private boolean started;

    /**
     * @param hasInput whether input will be pushed in; without it the session ends when the peer
     *                 closes (recv-only), with it half-open rules apply
     */
    public Session(Connection connection, SessionOptions options, DataSink sink, TrafficTap tap, boolean hasInput) {
        this(connection, options, sink, tap, hasInput, false);
    }

    /**
     * @param bulk the only session of its command (tcp-connect, a one-client listener): read with a
     *             large buffer on a platform thread, for throughput; otherwise a small buffer on a
     *             virtual thread, so thousands of clients stay cheap
     */
    public Session(
            Connection connection,
            SessionOptions options,
            DataSink sink,
            TrafficTap tap,
            boolean hasInput,
            boolean bulk) {
        this.bulk = bulk;
        this.connection = connection;
        this.options = options;
        this.sink = options.traffic().delivers() ? sink : DataSink.discard();
        this.tap = tap;
        this.hasInput = hasInput;
    }

    public Connection connection() {
        return connection;
    }

    /** Starts reading from the socket (and the idle watchdog); the future completes when the session ends. */
    public synchronized CompletableFuture<Outcome> start() {
        if (!started) {
            started = true;
            if (bulk) {
                Threads.startBulk("recv-" + connection.id(), this::receive);
            } else {
                Threads.start("recv-" + connection.id(), this::receive);
            }
            if (options.idleTimeout() != null && !options.idleTimeout().isZero()) {
                Threads.start("idle-" + connection.id(), this::watchIdle);
            }
        }
        return done;
    }

    public CompletableFuture<Outcome> done() {
        return done;
    }

    public boolean isDone() {
        return done.isDone();
    }

    @Override
    public boolean send(ByteBuffer data) {
        if (done.isDone()) {
            return false;
        }
        try {
            tap.sent(connection, data.asReadOnlyBuffer());
            connection.write(data);
            return true;
        } catch (IOException | RuntimeException e) {
            fail(e, "send to ");
            return false;
        }
    }

    @Override
    public synchronized void endOfInput() {
        if (inputEnded || done.isDone()) {
            return;
        }
        inputEnded = true;
        switch (options.stdinEof()) {
            case CLOSE -> {
                finish(Outcome.CLOSED);
                return;
            }
            case SHUTDOWN -> {
                try {
                    connection.shutdownOutput();
                } catch (IOException e) {
                    fail(e, "shutdown ");
                    return;
                }
            }
            case KEEP -> {
                // nothing goes to the peer; the session lives until it closes
            }
        }
        if (peerEnded) {
            finish(Outcome.CLOSED);
            return;
        }
        Duration q = options.quitAfter();
        if (q != null) {
            if (q.isZero()) {
                finish(Outcome.CLOSED);
            } else {
                Threads.start("quit-" + connection.id(), () -> {
                    try {
                        done.get(q.toNanos(), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        finish(Outcome.CLOSED);
                    } catch (Exception ignored) {
                        // ended anyway
                    }
                });
            }
        }
    }

    /** Ends the session (idempotent) and closes the socket. */
    public void finish(Outcome outcome) {
        if (done.complete(outcome)) {
            connection.close();
        }
    }

    private void receive() {
        if (bulk && sink.descriptor() >= 0 && tap == TrafficTap.NONE && SplicePump.usable(connection.transport())) {
            try {
                switch (SplicePump.receive(connection, sink.descriptor(), sink)) {
                    case EOF -> {
                        peerClosed();
                        return;
                    }
                    case CLOSED -> {
                        finish(Outcome.CLOSED);
                        return;
                    }
                    case FALLBACK -> {
                        // the buffer path below goes on
                    }
                }
            } catch (SplicePump.OutputFailed e) {
                finish(Outcome.error(
                        e.getCause() instanceof IOException io
                                ? sink.failure(io)
                                : NetkitException.from(e.getCause(), "write received data")));
                return;
            } catch (IOException | RuntimeException e) {
                fail(e, "receive from ");
                return;
            }
        }
        // one bulk session per command allocates its large buffer; the many small ones share a pool
        ByteBuffer buf = bulk ? ByteBuffer.allocateDirect(BUFFER_SIZE) : BufferPool.SMALL.take();
        try {
            while (true) {
                buf.clear();
                int n = connection.read(buf);
                if (n < 0) {
                    break;
                }
                buf.flip();
                tap.received(connection, buf.asReadOnlyBuffer());
                try {
                    sink.accept(connection, buf);
                } catch (IOException e) {
                    finish(Outcome.error(sink.failure(e)));
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            fail(e, "receive from ");
            return;
        } finally {
            if (!bulk) {
                BufferPool.SMALL.give(buf);
            }
        }
        peerClosed();
    }

    private synchronized void peerClosed() {
        peerEnded = true;
        if (!hasInput || inputEnded || !options.allowHalfOpen()) {
            finish(Outcome.CLOSED);
        }
    }

    private void watchIdle() {
        IdleWatch.run(done, options.idleTimeout(), connection::lastActivityNanos, () -> finish(Outcome.IDLE_TIMEOUT));
    }

    void fail(Throwable e, String what) {
        if (done.isDone() || !connection.isOpen()) {
            // closed on purpose (kick, listener shutdown, another end rule): not an error
            finish(Outcome.CLOSED);
            return;
        }
        finish(Outcome.error(NetkitException.from(e, what + connection.remote().text())));
    }
}
