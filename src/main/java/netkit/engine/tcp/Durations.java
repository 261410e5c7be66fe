package netkit.engine.tcp;

import java.time.Duration;

/** Durations as people write them: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}. */
public final class Durations {
    private Durations() {}

    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : String.format(java.util.Locale.ROOT, "%.3gs", ms / 1000.0);
    }
}
