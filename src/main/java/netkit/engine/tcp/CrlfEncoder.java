package netkit.engine.tcp;

import java.nio.ByteBuffer;

/**
 * {@code -C}: turns each LF into CRLF unless a CR already precedes it, also when the CR ended the
 * previous chunk. Stateful: one encoder per input stream.
 */
public final class CrlfEncoder {
    private boolean lastWasCr;

    /** Encodes {@code in} (consumed) into {@code out} (cleared first, flipped after); out needs 2× room. */
    public ByteBuffer encode(ByteBuffer in, ByteBuffer out) {
        out.clear();
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n' && !lastWasCr) {
                out.put((byte) '\r');
            }
            out.put(b);
            lastWasCr = b == '\r';
        }
        return out.flip();
    }
}
