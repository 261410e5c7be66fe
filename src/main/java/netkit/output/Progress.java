package netkit.output;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * {@code --progress}: one live line on stderr with the bytes sent and received and the average rate
 * of each since the start, redrawn in place at most 4 times a second, and left on screen at the end.
 * When the size of what is sent is known (stdin is a regular file), the percentage and the time
 * left at the average rate.
 */
public final class Progress implements AutoCloseable {
    static final long INTERVAL_MS = 250;

    private final PrintStream err;
    private final LongSupplier sent;
    private final LongSupplier received;
    private final long sendTotal;
    private final Thread thread;
    private volatile boolean stopped;
    private final long startNanos = System.nanoTime();

    private Progress(PrintStream err, LongSupplier sent, LongSupplier received, long sendTotal) {
        this.err = err;
        this.sent = sent;
        this.received = received;
        this.sendTotal = sendTotal;
        this.thread = Thread.ofVirtual().name("progress").unstarted(this::loop);
    }

    /** Starts redrawing the line on {@code err}; {@code sendTotal} is the bytes to send, or -1 when unknown. */
    public static Progress start(PrintStream err, LongSupplier sent, LongSupplier received, long sendTotal) {
        Progress p = new Progress(err, sent, received, sendTotal);
        p.thread.start();
        return p;
    }

    private void loop() {
        while (!stopped) {
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
            draw(false);
        }
    }

    private synchronized void draw(boolean last) {
        double secs = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
        String line = line(sent.getAsLong(), received.getAsLong(), secs, sendTotal);
        err.print("\r\u001b[K" + line + (last ? "\n" : ""));
        err.flush();
    }

    /**
     * {@code netkit: sent 1.50 MiB (512 KiB/s), received 12 B (0 B/s)}, the rates averaged over {@code secs};
     * with a known total, {@code sent 1.50 MiB of 10.00 MiB (15%, 512 KiB/s, 17s left)}.
     */
    static String line(long sent, long received, double secs, long sendTotal) {
        double sentRate = sent / secs;
        StringBuilder sb = new StringBuilder("netkit: sent ").append(bytes(sent));
        if (sendTotal > 0) {
            long pct = Math.min(100, sent * 100 / sendTotal);
            sb.append(" of ")
                    .append(bytes(sendTotal))
                    .append(" (")
                    .append(pct)
                    .append("%, ")
                    .append(bytes((long) sentRate))
                    .append("/s");
            if (sent < sendTotal) {
                sb.append(", ")
                        .append(
                                sentRate >= 1
                                        ? Durations.text(java.time.Duration.ofSeconds(
                                                Math.max(1, Math.round((sendTotal - sent) / sentRate))))
                                        : "?")
                        .append(" left");
            }
            sb.append(")");
        } else {
            sb.append(" (").append(bytes((long) sentRate)).append("/s)");
        }
        return sb.append(", received ")
                .append(bytes(received))
                .append(" (")
                .append(bytes((long) (received / secs)))
                .append("/s)")
                .toString();
    }

    /** {@code 512 B}, {@code 1.50 KiB}, {@code 2.00 GiB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
    }

    /** Stops redrawing; the final figures stay on their own line. Idempotent. */
    @Override
    public void close() {
        if (!stopped) {
            stopped = true;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            draw(true);
        }
    }
}
