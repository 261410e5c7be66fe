package netkit.engine.udp;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a byte stream (stdin) into datagram payloads: one per line with its newline (a last line
 * without one is sent as it is), or fixed-size chunks regardless of newlines ({@code --chunk N},
 * the last one shorter). A line longer than the largest datagram is sent in pieces of that size.
 * Binary-safe: bytes are never decoded.
 */
public final class DatagramSource {
    private final InputStream in;
    private final int chunk;
    private final int max;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;

    private DatagramSource(InputStream in, int chunk, int max) {
        this.in = in;
        this.chunk = chunk;
        this.max = max;
    }

    /** One datagram per line, newline included; at most {@code max} bytes each. */
    public static DatagramSource lines(InputStream in, int max) {
        return new DatagramSource(in, 0, max);
    }

    /** Datagrams of exactly {@code size} bytes (the last may be shorter). */
    public static DatagramSource chunks(InputStream in, int size) {
        return new DatagramSource(in, size, size);
    }

    /** The next payload, or null at end of input. */
    public byte[] next() throws IOException {
        byte[] out = null;
        int outLen = 0;
        while (true) {
            if (pos == limit) {
                if (eof || !fill()) {
                    return out == null || outLen == 0 ? null : Arrays.copyOf(out, outLen);
                }
            }
            int want = max - outLen;
            int end = Math.min(limit, pos + want);
            int cut = -1;
            if (chunk == 0) {
                for (int i = pos; i < end; i++) {
                    if (buf[i] == '\n') {
                        cut = i + 1;
                        break;
                    }
                }
            }
            int take = (cut >= 0 ? cut : end) - pos;
            if (out == null) {
                if (cut >= 0 || take == want) {
                    byte[] whole = Arrays.copyOfRange(buf, pos, pos + take);
                    pos += take;
                    return whole;
                }
                out = new byte[Math.min(max, Math.max(take * 2, 256))];
            }
            if (outLen + take > out.length) {
                out = Arrays.copyOf(out, Math.min(max, Math.max(out.length * 2, outLen + take)));
            }
            System.arraycopy(buf, pos, out, outLen, take);
            outLen += take;
            pos += take;
            if (cut >= 0 || outLen == max) {
                return outLen == out.length ? out : Arrays.copyOf(out, outLen);
            }
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            eof = true;
            return false;
        }
        pos = 0;
        limit = n;
        return n > 0 || fill();
    }
}
