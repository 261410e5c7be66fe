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

    /**
     * The file descriptor this sink writes to when it is nothing but that descriptor (stdout), so that
     * a zero-copy path may write to it in its place; -1 otherwise.
     */
    default int descriptor() {
        return -1;
    }

    /** Throws the bytes away (send-only sessions still read, to see the peer's close). */
    static DataSink discard() {
        return (from, data) -> data.position(data.limit());
    }

    /**
     * Writes to a channel, whole chunks at a time: when several connections share it, their chunks
     * are merged in arrival order and never interleaved (Node {@code pipe(ws, {end:false})}).
     */
    static DataSink to(WritableByteChannel out) {
        return to(out, -1);
    }

    /** {@link #to(WritableByteChannel)} for a channel over file descriptor {@code fd} (stdout: 1), or -1. */
    static DataSink to(WritableByteChannel out, int fd) {
        return new DataSink() {
            @Override
            public int descriptor() {
                return fd;
            }

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
