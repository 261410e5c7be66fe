package netkit.output;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * {@code --progress}: one live line on stderr with the bytes sent and received and the current
 * rate of each, redrawn in place at most 4 times a second, and left on screen at the end.
 */
public final class Progress implements AutoCloseable {
    static final long INTERVAL_MS = 250;

    private final PrintStream err;
    private final LongSupplier sent;
    private final LongSupplier received;
    private final Thread thread;
    private volatile boolean stopped;
    private long lastSent;
    private long lastReceived;
    private long lastNanos = System.nanoTime();

    private Progress(PrintStream err, LongSupplier sent, LongSupplier received) {
        this.err = err;
        this.sent = sent;
        this.received = received;
        this.thread = Thread.ofVirtual().name("progress").unstarted(this::loop);
    }

    /** Starts redrawing the line on {@code err}. */
    public static Progress start(PrintStream err, LongSupplier sent, LongSupplier received) {
        Progress p = new Progress(err, sent, received);
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
        long now = System.nanoTime();
        long s = sent.getAsLong();
        long r = received.getAsLong();
        double secs = Math.max(1e-9, (now - lastNanos) / 1e9);
        String line = line(s, (s - lastSent) / secs, r, (r - lastReceived) / secs);
        lastSent = s;
        lastReceived = r;
        lastNanos = now;
        err.print("\r\u001b[K" + line + (last ? "\n" : ""));
        err.flush();
    }

    /** {@code netkit: sent 1.50 MiB (512 KiB/s), received 12 B (0 B/s)}. */
    static String line(long sent, double sentRate, long received, double receivedRate) {
        return "netkit: sent " + bytes(sent) + " (" + bytes((long) sentRate) + "/s), received "
                + bytes(received) + " (" + bytes((long) receivedRate) + "/s)";
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
