package netkit.engine.udp;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Writes received payloads to stdout (or a file) on its own thread, so a slow consumer never
 * stalls the receiving socket: the receive thread only queues, and this writer coalesces a burst
 * into large writes and flushes whenever the queue runs empty (each datagram still appears as
 * soon as nothing else is waiting). The queue holds at most {@link #BUDGET} bytes; beyond that
 * {@link #write} waits, and the kernel's receive buffer takes the backlog.
 */
public final class PayloadWriter implements Closeable {
    /** Bytes that may wait in the queue: a few seconds of a fast sender. */
    static final int BUDGET = 32 << 20;

    private static final byte[] END = new byte[0];

    private final OutputStream out;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final Semaphore budget = new Semaphore(BUDGET);
    private final Thread thread;
    private volatile IOException failure;
    private volatile boolean closed;

    public PayloadWriter(OutputStream sink) {
        this.out = new BufferedOutputStream(sink, 1 << 16);
        this.thread = Thread.ofVirtual().name("payload-writer").start(this::drain);
    }

    /** Queues {@code payload}; throws the writer's failure (e.g. a broken pipe) once it has one. */
    public void write(byte[] payload) throws IOException {
        IOException f = failure;
        if (f != null) {
            throw f;
        }
        if (payload.length == 0 || closed) {
            return;
        }
        budget.acquireUninterruptibly(cost(payload));
        queue.add(payload);
    }

    private static int cost(byte[] payload) {
        return Math.min(BUDGET, payload.length + 64);
    }

    private void drain() {
        try {
            while (true) {
                byte[] b = queue.take();
                if (b == END) {
                    out.flush();
                    return;
                }
                budget.release(cost(b));
                if (failure == null) {
                    out.write(b);
                    if (queue.isEmpty()) {
                        out.flush();
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
            // keep releasing budget so senders never block on a dead writer
            drainAfterFailure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drainAfterFailure() {
        try {
            while (true) {
                byte[] b = queue.take();
                if (b == END) {
                    return;
                }
                budget.release(cost(b));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes everything queued, flushes, and stops the writer (waits at most {@code limit}). */
    public void close(Duration limit) throws IOException {
        if (!closed) {
            closed = true;
            queue.add(END);
            try {
                if (!thread.join(limit)) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        IOException f = failure;
        if (f != null) {
            throw f;
        }
    }

    @Override
    public void close() throws IOException {
        close(Duration.ofSeconds(30));
    }
}
