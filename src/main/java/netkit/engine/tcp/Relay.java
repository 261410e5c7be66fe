package netkit.engine.tcp;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import netkit.NetkitException;

/**
 * The client relay of {@code tcp-connect}: our input → the socket and the socket → a sink, two
 * pumps and a join. Returns how the session ended.
 */
public final class Relay {
    private Relay() {}

    /**
     * Runs a session until it ends. {@code input} may be null (recv-only, or a REPL that pushes into
     * the returned session itself through {@link #start}); {@code inputFd} is the file descriptor under
     * it (stdin: 0; -1 when there is none), which lets the relay send it with zero-copy
     * ({@link SplicePump}) when nothing needs to see the bytes; likewise a sink with a
     * {@link DataSink#descriptor}.
     */
    public static Outcome run(
            Connection connection,
            ReadableByteChannel input,
            int inputFd,
            SessionOptions options,
            DataSink sink,
            TrafficTap tap) {
        return start(connection, input, inputFd, options, sink, tap).done().join();
    }

    /** Starts a session and, when there is input to send, the pump that feeds it ({@code inputFd} as for {@link #run}). */
    public static Session start(
            Connection connection,
            ReadableByteChannel input,
            int inputFd,
            SessionOptions options,
            DataSink sink,
            TrafficTap tap) {
        boolean sends = options.traffic().sends() && input != null;
        Session session = new Session(connection, options, sink, tap, sends, true);
        session.start();
        if (sends) {
            InputPump buffered = new InputPump(
                    input,
                    session,
                    options.crlf(),
                    e -> session.finish(Outcome.error(NetkitException.from(e, "read stdin"))));
            if (inputFd >= 0
                    && !options.crlf()
                    && tap == TrafficTap.NONE
                    && SplicePump.usable(connection.transport())) {
                Threads.startBulk("stdin", () -> sendZeroCopy(connection, inputFd, session, buffered));
            } else {
                buffered.start();
            }
        }
        return session;
    }

    /** The stdin pump by zero-copy; the buffer pump takes over where the kernel cannot splice. */
    private static void sendZeroCopy(Connection connection, int inputFd, Session session, InputPump buffered) {
        try {
            switch (SplicePump.send(connection, inputFd, session)) {
                case EOF -> session.endOfInput();
                case CLOSED -> {
                    // the session ended: nothing more to send
                }
                case FALLBACK -> buffered.run();
            }
        } catch (SplicePump.InputFailed e) {
            session.finish(Outcome.error(NetkitException.from(e.getCause(), "read stdin")));
        } catch (IOException | RuntimeException e) {
            session.fail(e, "send to ");
        }
    }
}
