package netkit.engine.chat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes waiting for one reader of the room, bounded in bytes. Producers never block:
 * {@link #offer} refuses what does not fit, and the room disconnects that member instead of
 * waiting for it. The outbox has its own writer, a virtual thread parked while nothing is
 * queued (a parked virtual thread costs a few hundred bytes; waking it is cheaper than starting
 * one per broadcast). The writer takes everything queued at once (one gathering write). The
 * arrays are shared between members and never modified.
 */
final class Outbox {
    static final int MAX_BATCH = 256;

    /** What the writer thread does with each batch; an exception ends the writer and aborts the outbox. */
    interface Writer {
        void write(byte[][] batch) throws Exception;

        /** Called once when a write failed; the outbox is aborted already. */
        void failed(Exception e);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(4);
    private final long limit;
    private final Writer writer;
    private long bytes;
    private boolean running = true;
    private boolean writing;
    private boolean finished;
    private boolean aborted;

    Outbox(long limit, String threadName, Writer writer) {
        this.limit = limit;
        this.writer = writer;
        Thread.ofVirtual().name(threadName).start(this::drain);
    }

    /** Queues {@code b}; false when it would exceed the limit or the outbox is closed. */
    boolean offer(byte[] b) {
        lock.lock();
        try {
            if (finished || aborted || bytes + b.length > limit) {
                return false;
            }
            boolean wasEmpty = queue.isEmpty();
            queue.addLast(b);
            bytes += b.length;
            if (wasEmpty) {
                ready.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void drain() {
        try {
            byte[][] batch;
            while ((batch = poll()) != null) {
                writer.write(batch);
            }
        } catch (Exception | Error e) {
            lock.lock();
            try {
                aborted = true;
                queue.clear();
                bytes = 0;
                running = false;
                idle.signalAll();
            } finally {
                lock.unlock();
            }
            if (e instanceof Exception ex) {
                writer.failed(ex);
            } else {
                writer.failed(new RuntimeException(e));
            }
        }
    }

    /**
     * Waits for the next batch; null when the outbox was aborted, or finished and written: then
     * the writer ends.
     */
    private byte[][] poll() throws InterruptedException {
        lock.lock();
        try {
            writing = false;
            while (queue.isEmpty() && !finished && !aborted) {
                idle.signalAll();
                ready.await();
            }
            if (aborted || queue.isEmpty()) {
                running = false;
                idle.signalAll();
                return null;
            }
            writing = true;
            int n = Math.min(queue.size(), MAX_BATCH);
            byte[][] batch = new byte[n][];
            for (int i = 0; i < n; i++) {
                batch[i] = queue.pollFirst();
                bytes -= batch[i].length;
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** No more offers; what is queued is still written, then the writer ends. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more offers and drop what is queued; a running writer stops after its current write. */
    void abort() {
        lock.lock();
        try {
            aborted = true;
            queue.clear();
            bytes = 0;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code timeout} until nothing is queued and no write is under way; true if so. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (running && (writing || !queue.isEmpty())) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    long queuedBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
