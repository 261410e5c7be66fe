package netkit.engine.tcp;

import java.nio.channels.ReadableByteChannel;

/**
 * {@code --broker}: every client's bytes go to every other client (never back to the sender), and
 * our input goes to all of them. A client's chunk is written to the others in turn, so a client
 * that does not read slows the one sending to it (TCP backpressure), as in ncat.
 */
public final class BrokerHandler extends FanOutHandler {
    private final TrafficTap tap;

    public BrokerHandler(ReadableByteChannel input, SessionOptions options, TrafficTap tap, TcpEvents events) {
        // Stdin's end must not half-close the clients: they go on talking to each other.
        super(options.traffic().sends() ? input : null,
                new SessionOptions(options.idleTimeout(), StdinEofPolicy.KEEP, null, false, Traffic.BOTH, options.crlf()),
                events);
        this.tap = tap;
    }

    @Override
    protected Session newSession(Connection connection) {
        Session[] self = new Session[1];
        DataSink toOthers = (from, data) -> {
            for (Session other : others(self[0])) {
                other.send(data.duplicate());
            }
            data.position(data.limit());
        };
        self[0] = new Session(connection, options, toOthers, tap, false);
        return self[0];
    }
}
