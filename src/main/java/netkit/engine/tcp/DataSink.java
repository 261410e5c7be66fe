package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * Where received bytes go: stdout, a file, a REPL's printer, another connection. {@link #accept}
 * consumes every remaining byte of {@code data} before it returns.
 */
@FunctionalInterface
public interface DataSink {
    void accept(Connection from, ByteBuffer data) throws IOException;

    /** Throws the bytes away (send-only sessions still read, to see the peer's close). */
    static DataSink discard() {
        return (from, data) -> data.position(data.limit());
    }

    /**
     * Writes to a channel, whole chunks at a time: when several connections share it, their chunks
     * are merged in arrival order and never interleaved (Node {@code pipe(ws, {end:false})}).
     */
    static DataSink to(WritableByteChannel out) {
        return new DataSink() {
            @Override
            public void accept(Connection from, ByteBuffer data) throws IOException {
                synchronized (this) {
                    while (data.hasRemaining()) {
                        out.write(data);
                    }
                }
            }
        };
    }
}
