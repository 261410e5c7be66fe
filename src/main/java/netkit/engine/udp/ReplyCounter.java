package netkit.engine.udp;

/**
 * Passes received datagrams on and counts them, so a sender can wait for "as many replies as
 * datagrams sent, or the deadline" (udp-send and broadcast {@code --wait-reply}).
 */
public final class ReplyCounter implements DatagramSink {
    private final DatagramSink next;
    private long count;

    public ReplyCounter(DatagramSink next) {
        this.next = next;
    }

    @Override
    public void accept(Datagram datagram) {
        next.accept(datagram);
        synchronized (this) {
            count++;
            notifyAll();
        }
    }

    public synchronized long count() {
        return count;
    }

    /** Waits until at least {@code n} datagrams came or {@link System#nanoTime()} passes {@code deadline}; returns the count. */
    public synchronized long awaitAtLeast(long n, long deadlineNanos) throws InterruptedException {
        while (count < n) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000), 0);
        }
        return count;
    }
}
