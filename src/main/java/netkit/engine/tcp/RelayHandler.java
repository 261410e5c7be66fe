package netkit.engine.tcp;

import java.nio.channels.ReadableByteChannel;

/**
 * The default server mode: every client's bytes go to one sink (stdout or {@code -o} file, merged
 * in arrival order, nothing lost) and our input goes to every connected client.
 */
public final class RelayHandler implements ConnectionHandler {
    private final ReadableByteChannel input;
    private final SessionOptions options;
    private final DataSink sink;
    private final TrafficTap tap;
    private final TcpEvents events;
    private final FanOut fanOut = new FanOut();
    private final java.util.Map<Long, Session> sessions = new java.util.HashMap<>();
    private final boolean bulk;
    private boolean inputStarted;

    /** A handler for a listener with any number of clients (virtual threads, small buffers). */
    public RelayHandler(ReadableByteChannel input, SessionOptions options, DataSink sink, TrafficTap tap,
            TcpEvents events) {
        this(input, options, sink, tap, events, false);
    }

    /**
     * {@code input} may be null: clients then get nothing from us (as with {@code --recv-only}).
     * {@code oneClient}: the listener serves a single client, whose session is then tuned for bulk
     * throughput (see {@link Session}).
     */
    public RelayHandler(ReadableByteChannel input, SessionOptions options, DataSink sink, TrafficTap tap,
            TcpEvents events, boolean oneClient) {
        this.bulk = oneClient;
        this.input = options.traffic().sends() ? input : null;
        this.options = options;
        this.sink = sink;
        this.tap = tap;
        this.events = events;
    }

    /** Registered at accept, so stdin read after the {@code connection} event reaches this client too. */
    @Override
    public void admitted(Connection connection) {
        Session session = new Session(connection, options, sink, tap, input != null, bulk);
        synchronized (sessions) {
            sessions.put(connection.id(), session);
        }
        fanOut.add(session);
    }

    @Override
    public Outcome serve(Connection connection) {
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
        try {
            return session.start().join();
        } finally {
            fanOut.remove(session);
            synchronized (sessions) {
                sessions.remove(connection.id());
            }
        }
    }

    /** Stdin is read only once a client is there, so nothing typed or piped before is lost. */
    private synchronized void startInput() {
        if (input != null && !inputStarted) {
            inputStarted = true;
            new InputPump(input, fanOut, options.crlf(), e -> {
                events.warning("read stdin: " + e.getMessage());
                fanOut.endOfInput();
            }).start();
        }
    }

    @Override
    public void close() {
        fanOut.close();
    }
}
