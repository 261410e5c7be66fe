package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import netkit.NetkitException;

/**
 * Where received bytes go: stdout, a file, a REPL's printer, another connection. {@link #accept}
 * consumes every remaining byte of {@code data} before it returns.
 */
@FunctionalInterface
public interface DataSink {
    void accept(Connection from, ByteBuffer data) throws IOException;

    /**
     * What a failed {@link #accept} means for the session; a sink over our output says so with
     * {@link NetkitException#output} (a closed pipe is then not an error).
     */
    default NetkitException failure(IOException e) {
        return NetkitException.from(e, "write received data");
    }

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
        return to(out, "the output", -1);
    }

    /**
     * As {@link #to(WritableByteChannel)}; {@code name} (stdout, the file) names it in an error, and
     * {@code fd} is the file descriptor under the channel (stdout: 1), or -1.
     */
    static DataSink to(WritableByteChannel out, String name, int fd) {
        return new DataSink() {
            @Override
            public NetkitException failure(IOException e) {
                return NetkitException.output(e, name);
            }

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
