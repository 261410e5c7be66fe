package netkit.engine.chat;

import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes waiting for one reader of the room, bounded in bytes. Producers never block:
 * {@link #offer} refuses what does not fit, and the room disconnects that member instead of
 * waiting for it. One writer thread takes everything queued at once (one gathering write).
 * The arrays are shared between members and never modified.
 */
final class Outbox {
    static final int MAX_BATCH = 256;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition ready = lock.newCondition();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(4);
    private final long limit;
    private long bytes;
    private boolean finished;
    private boolean aborted;

    Outbox(long limit) {
        this.limit = limit;
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

    /**
     * Waits for queued arrays and takes up to {@link #MAX_BATCH} of them; {@code null} when the
     * outbox was finished and is empty, or aborted.
     */
    byte[][] take() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !finished && !aborted) {
                ready.await();
            }
            if (aborted || queue.isEmpty()) {
                return null;
            }
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

    /** No more offers; the writer ends once it has written what is queued. */
    void finish() {
        lock.lock();
        try {
            finished = true;
            ready.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** No more offers and drop what is queued; the writer ends at once. */
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

    long queuedBytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }
}
