package netkit.output;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * The one way netkit prints a duration, in the form the options accept, so a message can be pasted
 * back: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, {@code 1h}.
 */
public final class Durations {
    private Durations() {}

    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms % 60_000 == 0) {
            return ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms / 60_000 + "m";
        }
        return BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString() + "s";
    }
}
