package netkit.output;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * {@code -x/--hexdump}: logs traffic as a hex dump. Each chunk gets a header with its direction
 * ({@code >} sent, {@code <} received), a timestamp, its size and the running per-direction offset,
 * then rows of offset, 16 hex bytes and their ASCII. Thread-safe: both pumps of a relay share one.
 *
 * <pre>
 * &gt; 2026-11-26T11:40:01.123Z 5 bytes at offset 0
 * 00000000  68 65 6c 6c 6f                                    |hello|
 * </pre>
 */
public final class HexDump {
    /** Which way a chunk travelled. */
    public enum Direction {
        SENT('>'),
        RECEIVED('<');

        final char mark;

        Direction(char mark) {
            this.mark = mark;
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final OutputStream sink;
    private final Clock clock;
    private final long[] offsets = new long[Direction.values().length];

    public HexDump(OutputStream sink) {
        this(sink, Clock.systemUTC());
    }

    public HexDump(OutputStream sink, Clock clock) {
        this.sink = sink;
        this.clock = clock;
    }

    /** Dumps {@code len} bytes of {@code data} from {@code off}, travelling in {@code direction}. */
    public void record(Direction direction, byte[] data, int off, int len) {
        StringBuilder sb = new StringBuilder(96 + len * 4);
        synchronized (this) {
            long base = offsets[direction.ordinal()];
            offsets[direction.ordinal()] = base + len;
            sb.append(direction.mark)
                    .append(' ')
                    .append(Instant.now(clock))
                    .append(' ')
                    .append(len)
                    .append(len == 1 ? " byte" : " bytes")
                    .append(" at offset ")
                    .append(base)
                    .append('\n');
            format(sb, data, off, len, base);
            try {
                sink.write(sb.toString().getBytes(StandardCharsets.US_ASCII));
                sink.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Appends the offset/hex/ASCII rows for a chunk whose first byte is at {@code base}. */
    static void format(StringBuilder sb, byte[] data, int off, int len, long base) {
        for (int row = 0; row < len; row += 16) {
            long o = base + row;
            for (int shift = 28; shift >= 0; shift -= 4) {
                sb.append(HEX[(int) (o >>> shift) & 0xf]);
            }
            sb.append("  ");
            int n = Math.min(16, len - row);
            for (int i = 0; i < 16; i++) {
                if (i < n) {
                    int b = data[off + row + i] & 0xff;
                    sb.append(HEX[b >>> 4]).append(HEX[b & 0xf]).append(' ');
                } else {
                    sb.append("   ");
                }
                if (i == 7) {
                    sb.append(' ');
                }
            }
            sb.append(" |");
            for (int i = 0; i < n; i++) {
                int b = data[off + row + i] & 0xff;
                sb.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
            }
            sb.append("|\n");
        }
    }
}
