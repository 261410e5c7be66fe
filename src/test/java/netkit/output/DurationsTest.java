package netkit.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import netkit.cli.Converters;
import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void everyDurationIsPrintedInTheFormTheOptionsAccept() {
        assertEquals("250ms", Durations.text(Duration.ofMillis(250)));
        assertEquals("1.5s", Durations.text(Duration.ofMillis(1500)));
        assertEquals("1.25s", Durations.text(Duration.ofMillis(1250)));
        assertEquals("2s", Durations.text(Duration.ofSeconds(2)));
        assertEquals("90s", Durations.text(Duration.ofSeconds(90)));
        assertEquals("3m", Durations.text(Duration.ofMinutes(3)));
        assertEquals("1h", Durations.text(Duration.ofHours(1)));
    }

    @Test
    void thePrintedFormParsesBackToTheSameDuration() {
        for (long ms : new long[] {1, 999, 1000, 1001, 1500, 61_000, 120_000, 7_200_000}) {
            Duration d = Duration.ofMillis(ms);
            assertEquals(d, Converters.parseDuration(Durations.text(d)), Durations.text(d));
        }
    }
}
