package netkit.engine.tcp;

import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --broker}: every client's bytes go to every other client (never back to the sender), and
 * our input goes to all of them. A client's chunk is written to the others in turn, so a client
 * that does not read slows the one sending to it (TCP backpressure), as in ncat.
 */
public final class BrokerHandler implements ConnectionHandler {
    private final ReadableByteChannel input;
    private final SessionOptions options;
    private final TrafficTap tap;
    private final TcpEvents events;
    private final Map<Long, Session> sessions = new LinkedHashMap<>();
    private final FanOut fanOut = new FanOut();
    private boolean inputStarted;

    public BrokerHandler(ReadableByteChannel input, SessionOptions options, TrafficTap tap, TcpEvents events) {
        this.input = options.traffic().sends() ? input : null;
        // Stdin's end must not half-close the clients: they go on talking to each other.
        this.options = new SessionOptions(options.idleTimeout(), StdinEofPolicy.KEEP, null, false, Traffic.BOTH,
                options.crlf());
        this.tap = tap;
        this.events = events;
    }

    @Override
    public void admitted(Connection connection) {
        Session[] self = new Session[1];
        DataSink toOthers = (from, data) -> {
            for (Session other : others(self[0])) {
                other.send(data.duplicate());
            }
            data.position(data.limit());
        };
        Session session = new Session(connection, options, toOthers, tap, false);
        self[0] = session;
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

    private List<Session> others(Session self) {
        synchronized (sessions) {
            List<Session> list = new ArrayList<>(sessions.size());
            for (Session s : sessions.values()) {
                if (s != self) {
                    list.add(s);
                }
            }
            return list;
        }
    }

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
