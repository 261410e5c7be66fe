package netkit.engine.tcp;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import netkit.output.Durations;

/**
 * Warnings that an attack or a broken setup could repeat thousands of times a second (an accept
 * that fails with "too many open files", a child that cannot be started): each distinct text is
 * printed the first time, and again at most once per {@code interval} with how often it was left
 * out meanwhile. A null interval prints each distinct text once only.
 */
public final class WarningThrottle {
    /** Distinct texts remembered at most (texts may name clients). */
    private static final int MAX_TEXTS = 1000;

    private final Consumer<String> sink;
    private final Duration interval;
    private final Map<String, long[]> seen = new HashMap<>();

    public WarningThrottle(Consumer<String> sink, Duration interval) {
        this.sink = sink;
        this.interval = interval;
    }

    /** Prints {@code text} unless it was printed within the interval (or ever, without one). */
    public void warn(String text) {
        String line;
        synchronized (this) {
            long now = System.nanoTime();
            long[] s = seen.get(text); // {last printed, left out since}
            if (s == null) {
                if (seen.size() >= MAX_TEXTS) {
                    seen.clear();
                }
                seen.put(text, new long[] {now, 0});
                line = text;
            } else if (interval != null && now - s[0] >= interval.toNanos()) {
                line = s[1] == 0
                        ? text
                        : text + " (" + s[1] + " more like it in the last "
                                + Durations.text(Duration.ofNanos(now - s[0]).withNanos(0)) + ")";
                s[0] = now;
                s[1] = 0;
            } else {
                s[1]++;
                return;
            }
        }
        sink.accept(line);
    }
}
