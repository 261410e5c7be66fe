package netkit.engine.chat;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes waiting for one reader of the room, bounded in bytes. Producers never block and
 * never wait for a lock: {@link #offer} is lock-free and refuses what does not fit, and the room
 * disconnects that member instead of waiting for it. (A lock here made the room's flusher, which
 * holds the room lock, park behind thousands of runnable writers whenever it met one of them
 * inside the lock: seconds of stall in a join storm of 10,000.)
 *
 * <p>The outbox has its own writer, a virtual thread parked while nothing is queued (a parked
 * virtual thread costs a few hundred bytes; waking it is cheaper than starting one per
 * broadcast). The writer takes everything queued at once (one gathering write). The arrays are
 * shared between members and never modified.
 */
public final class Outbox {
    static final int MAX_BATCH = 256;

    /** What the writer thread does with each batch; an exception ends the writer and aborts the outbox. */
    public interface Writer {
        void write(byte[][] batch) throws Exception;

        /** Called once when a write failed; the outbox is aborted already. */
        void failed(Exception e);
    }

    private final ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong bytes = new AtomicLong();
    /** Set by the writer before it parks on an empty queue; the producer that clears it unparks the writer. */
    private final AtomicBoolean waiting = new AtomicBoolean();

    private final long limit;
    private final Writer writer;
    private final Thread thread;
    private volatile boolean finished;
    private volatile boolean aborted;
    private volatile boolean running = true;
    /** The writer holds a batch it has not finished writing. */
    private volatile boolean busy;

    // only for awaitIdle (leaving members, closing rooms, tests): never touched by offer
    private final AtomicInteger idleWaiters = new AtomicInteger();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idle = idleLock.newCondition();

    public Outbox(long limit, String threadName, Writer writer) {
        this.limit = limit;
        this.writer = writer;
        this.thread = Thread.ofVirtual().name(threadName).unstarted(this::drain);
        thread.start();
    }

    /** Queues {@code b}; false when it would exceed the limit or the outbox is closed. */
    public boolean offer(byte[] b) {
        if (finished || aborted) {
            return false;
        }
        if (bytes.addAndGet(b.length) > limit) {
            bytes.addAndGet(-b.length);
            return false;
        }
        queue.add(b);
        wakeWriter();
        return true;
    }

    private void wakeWriter() {
        if (waiting.get() && waiting.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    private void drain() {
        try {
            byte[][] batch;
            while ((batch = poll()) != null) {
                writer.write(batch);
                busy = false;
            }
        } catch (Exception | Error e) {
            aborted = true;
            queue.clear();
            bytes.set(0);
            running = false;
            busy = false;
            signalIdle();
            writer.failed(e instanceof Exception ex ? ex : new RuntimeException(e));
            return;
        }
        running = false;
        busy = false;
        signalIdle();
    }

    /** Waits for the next batch; null when the outbox was aborted, or finished and written. */
    private byte[][] poll() throws InterruptedException {
        while (true) {
            if (aborted) {
                queue.clear();
                bytes.set(0);
                return null;
            }
            byte[] first = queue.poll();
            if (first != null) {
                busy = true;
                byte[][] batch = new byte[MAX_BATCH][];
                batch[0] = first;
                int n = 1;
                long taken = first.length;
                byte[] next;
                while (n < MAX_BATCH && (next = queue.poll()) != null) {
                    batch[n++] = next;
                    taken += next.length;
                }
                bytes.addAndGet(-taken);
                return n == MAX_BATCH ? batch : java.util.Arrays.copyOf(batch, n);
            }
            if (finished) {
                return null;
            }
            // Dekker with the producers: announce the park, then look once more.
            waiting.set(true);
            if (!queue.isEmpty() || finished || aborted) {
                waiting.set(false);
                continue;
            }
            signalIdle();
            LockSupport.park(this);
            waiting.set(false);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** No more offers; what is queued is still written, then the writer ends. */
    public void finish() {
        finished = true;
        LockSupport.unpark(thread);
    }

    /** No more offers and drop what is queued; a running writer stops after its current write. */
    public void abort() {
        aborted = true;
        queue.clear();
        bytes.set(0);
        LockSupport.unpark(thread);
    }

    /** Waits up to {@code timeout} until nothing is queued and no write is under way; true if so. */
    boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        idleWaiters.incrementAndGet();
        try {
            while (!isIdle()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idleLock.lock();
                try {
                    if (!isIdle()) {
                        // re-checked at least every 10 ms: no wake-up can be lost for longer
                        idle.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
                    }
                } finally {
                    idleLock.unlock();
                }
            }
            return true;
        } finally {
            idleWaiters.decrementAndGet();
        }
    }

    private boolean isIdle() {
        return !running || (!busy && (queue.isEmpty() || aborted));
    }

    private void signalIdle() {
        if (idleWaiters.get() > 0) {
            idleLock.lock();
            try {
                idle.signalAll();
            } finally {
                idleLock.unlock();
            }
        }
    }

    /** Bytes queued and not yet written (the broker's backpressure reads it). */
    public long queuedBytes() {
        return bytes.get();
    }
}
