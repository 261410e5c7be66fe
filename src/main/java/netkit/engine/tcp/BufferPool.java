package netkit.engine.tcp;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers of one size, reused from connection to connection. A direct buffer's memory is
 * given back only when the garbage collector finds its small heap object, which under a churn of
 * short connections is rarely: 16,000 connections of a listener grew its RSS from 220 to 634 MB
 * with a fresh 32 KiB buffer each. Pooled, a churn costs what its peak concurrency costs. At most
 * {@code keep} idle buffers are kept; a buffer given back beyond that is left to the collector, so
 * the memory held after a burst of thousands of clients is bounded too.
 */
public final class BufferPool {
    /** The receive buffers of servers with many clients (relay, echo, broker). */
    static final BufferPool SMALL = new BufferPool(Session.SMALL_BUFFER_SIZE, 1024);

    private final int size;
    private final int keep;
    private final ConcurrentLinkedQueue<ByteBuffer> idle = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger allocated = new AtomicInteger();

    public BufferPool(int size, int keep) {
        this.size = size;
        this.keep = keep;
    }

    /** A cleared buffer of this pool's size: an idle one, or a new one. */
    public ByteBuffer take() {
        ByteBuffer b = idle.poll();
        if (b == null) {
            allocated.incrementAndGet();
            return ByteBuffer.allocateDirect(size);
        }
        idleCount.decrementAndGet();
        return b.clear();
    }

    /** Gives {@code b} back; the caller must not touch it afterwards. */
    public void give(ByteBuffer b) {
        if (b == null || b.capacity() != size || !b.isDirect()) {
            return;
        }
        if (idleCount.incrementAndGet() <= keep) {
            idle.offer(b);
        } else {
            idleCount.decrementAndGet();
        }
    }

    /** Buffers allocated so far (for tests: a churn of sequential clients allocates a handful). */
    public int allocated() {
        return allocated.get();
    }

    /** Idle buffers held now. */
    public int idle() {
        return idleCount.get();
    }
}
