package netkit.engine.tcp;

import java.nio.channels.ReadableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the relay and broker modes share: a session per client, registered at admission so that
 * input read after the {@code connection} event reaches the newcomer too, and our input (stdin)
 * fanned out to every client, read only once a client is there so nothing typed or piped before
 * is lost.
 */
abstract class FanOutHandler implements ConnectionHandler {
    /** Null when clients get nothing from us (as with {@code --recv-only}). */
    private final ReadableByteChannel input;

    protected final SessionOptions options;
    protected final TcpEvents events;
    private final Map<Long, Session> sessions = new LinkedHashMap<>();
    private final FanOut fanOut = new FanOut();
    private boolean inputStarted;

    FanOutHandler(ReadableByteChannel input, SessionOptions options, TcpEvents events) {
        this.input = input;
        this.options = options;
        this.events = events;
    }

    /** Whether clients get our input. */
    protected final boolean sendsInput() {
        return input != null;
    }

    /** The session that serves one client in this mode. */
    protected abstract Session newSession(Connection connection);

    @Override
    public final void admitted(Connection connection) {
        Session session = newSession(connection);
        synchronized (sessions) {
            sessions.put(connection.id(), session);
        }
        fanOut.add(session);
    }

    @Override
    public final Outcome serve(Connection connection) {
        return serveDetached(connection).join();
    }

    @Override
    public final CompletableFuture<Outcome> serveDetached(Connection connection) {
        Session session;
        synchronized (sessions) {
            session = sessions.get(connection.id());
        }
        if (session == null) { // served without the listener's admission step
            admitted(connection);
            synchronized (sessions) {
                session = sessions.get(connection.id());
            }
        }
        startInput();
        Session served = session;
        return run(served).whenComplete((outcome, error) -> {
            fanOut.remove(served);
            synchronized (sessions) {
                sessions.remove(connection.id());
            }
        });
    }

    /**
     * Runs {@code session} until it ends: by default its receive pump, a thread of its own; a mode
     * may serve it from a selector loop instead and end the session itself.
     */
    protected CompletableFuture<Outcome> run(Session session) {
        return session.start();
    }

    private synchronized void startInput() {
        if (input != null && !inputStarted) {
            inputStarted = true;
            new InputPump(input, fanOut, options.crlf(), e -> {
                        events.warning("read stdin: " + e.getMessage());
                        fanOut.endOfInput();
                    })
                    .start();
        }
    }

    @Override
    public void close() {
        fanOut.close();
    }
}
