package netkit.engine.chat;

import java.nio.ByteBuffer;

/**
 * Cuts a byte stream into lines: LF or CRLF ends a line (the CR is dropped), a line longer than
 * the limit is delivered cut to the limit and the rest up to the next line end is dropped, and a
 * last line without a line end is delivered at end of stream. Not thread-safe: one per reader.
 */
final class LineSplitter {
    /** Receives each line; {@code bytes[0..length)} is only valid during the call. */
    interface Sink {
        /**
         * @param cut the line was longer than the limit and only its start is given
         * @param crlf the line ended with CRLF
         * @return false to stop splitting (the member left)
         */
        boolean line(byte[] bytes, int length, boolean cut, boolean crlf);
    }

    private final int limit;
    private byte[] buf = new byte[128];
    private int len;
    private boolean discarding;

    LineSplitter(int limit) {
        this.limit = limit;
    }

    /** Splits everything remaining in {@code in}; returns false once the sink asked to stop. */
    boolean feed(ByteBuffer in, Sink sink) {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                boolean wasDiscarding = discarding;
                discarding = false;
                if (wasDiscarding) {
                    len = 0;
                    continue;
                }
                boolean crlf = len > 0 && buf[len - 1] == '\r';
                int n = crlf ? len - 1 : len;
                len = 0;
                if (!sink.line(buf, n, false, crlf)) {
                    return false;
                }
                continue;
            }
            if (discarding) {
                continue;
            }
            if (len >= limit && !(len == limit && b == '\r')) {
                // Over the limit (a CR right after the limit may still be half of a CRLF: it waited).
                int n = Math.min(len, limit);
                len = 0;
                discarding = true;
                if (!sink.line(buf, n, true, false)) {
                    return false;
                }
                continue;
            }
            if (len == buf.length) {
                byte[] bigger = new byte[Math.min(limit + 1, buf.length * 2)];
                System.arraycopy(buf, 0, bigger, 0, len);
                buf = bigger;
            }
            buf[len++] = b;
        }
        return true;
    }

    /** At end of stream: delivers a last line that had no line end. */
    void finish(Sink sink) {
        if (len > 0 && !discarding) {
            boolean crlf = buf[len - 1] == '\r';
            int n = Math.min(crlf ? len - 1 : len, limit);
            len = 0;
            sink.line(buf, n, false, crlf);
        }
    }
}
