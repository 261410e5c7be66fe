package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads our input (stdin) and pushes it into a target, with {@code -C} applied once; at EOF it
 * tells the target, whose {@code --stdin-eof} policy decides what happens.
 */
public final class InputPump implements Runnable {
    private final ReadableByteChannel input;
    private final InputTarget target;
    private final boolean crlf;
    private final ErrorHandler onError;

    /** What to do when reading the input fails (the session cannot go on as asked). */
    @FunctionalInterface
    public interface ErrorHandler {
        void inputFailed(IOException e);
    }

    public InputPump(ReadableByteChannel input, InputTarget target, boolean crlf, ErrorHandler onError) {
        this.input = input;
        this.target = target;
        this.crlf = crlf;
        this.onError = onError;
    }

    /** Starts the pump on its own thread (a platform thread: it is one per command and moves bulk data). */
    public Thread start() {
        return Threads.startBulk("stdin", this);
    }

    @Override
    public void run() {
        ByteBuffer buf = ByteBuffer.allocateDirect(Session.BUFFER_SIZE);
        ByteBuffer encoded = crlf ? ByteBuffer.allocateDirect(2 * Session.BUFFER_SIZE) : null;
        CrlfEncoder encoder = crlf ? new CrlfEncoder() : null;
        try {
            while (true) {
                buf.clear();
                int n = input.read(buf);
                if (n < 0) {
                    break;
                }
                if (n == 0) {
                    continue;
                }
                buf.flip();
                ByteBuffer out = crlf ? encoder.encode(buf, encoded) : buf;
                if (!target.send(out)) {
                    return;
                }
            }
        } catch (IOException e) {
            onError.inputFailed(e);
            return;
        }
        target.endOfInput();
    }
}
