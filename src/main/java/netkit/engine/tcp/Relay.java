package netkit.engine.tcp;

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
     * the returned session itself through {@link #start}).
     */
    public static Outcome run(Connection connection, ReadableByteChannel input, SessionOptions options,
            DataSink sink, TrafficTap tap) {
        return start(connection, input, options, sink, tap).done().join();
    }

    /** Starts a session and, when there is input to send, the pump that feeds it. */
    public static Session start(Connection connection, ReadableByteChannel input, SessionOptions options,
            DataSink sink, TrafficTap tap) {
        boolean sends = options.traffic().sends() && input != null;
        Session session = new Session(connection, options, sink, tap, sends, true);
        session.start();
        if (sends) {
            new InputPump(input, session, options.crlf(),
                    e -> session.finish(Outcome.error(NetkitException.from(e, "read stdin")))).start();
        }
        return session;
    }
}
