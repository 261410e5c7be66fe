package netkit.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The small rough edges of issue 18.9 that live in output: the progress line and colour. */
class RoughEdgesTest {
    @Test
    void progressShowsTheAverageRateSinceTheStart() {
        // 10 MiB sent in 4 s is 2.5 MiB/s on average, whatever the last quarter-second moved
        assertEquals(
                "netkit: sent 10.00 MiB (2.50 MiB/s), received 1.00 KiB (256 B/s)",
                Progress.line(10L << 20, 1024, 4.0, -1));
    }

    @Test
    void aKnownSizeAddsThePercentageAndTheTimeLeft() {
        assertEquals(
                "netkit: sent 25.00 MiB of 100.00 MiB (25%, 5.00 MiB/s, 15s left), received 0 B (0 B/s)",
                Progress.line(25L << 20, 0, 5.0, 100L << 20));
        assertEquals(
                "netkit: sent 100.00 MiB of 100.00 MiB (100%, 10.00 MiB/s), received 0 B (0 B/s)",
                Progress.line(100L << 20, 0, 10.0, 100L << 20));
    }

    @Test
    void theColourIsResetBeforeEveryNewline() {
        String esc = "\u001b[";
        assertEquals(esc + "31mno such file" + esc + "0m\n", Output.Style.RED.apply("no such file\n"));
        assertEquals(esc + "2ma" + esc + "0m\n" + esc + "2mb" + esc + "0m", Output.Style.DIM.apply("a\nb"));
        assertEquals(esc + "1mnetkit:" + esc + "0m", Output.Style.BOLD.apply("netkit:"));
    }
}
