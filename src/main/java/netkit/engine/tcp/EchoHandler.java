package netkit.engine.tcp;

/**
 * {@code --echo}: every client gets back exactly what it sends. When the client half-closes,
 * everything it sent has been echoed before our FIN and close.
 */
public final class EchoHandler implements ConnectionHandler {
    private final SessionOptions options;
    private final TrafficTap tap;

    public EchoHandler(SessionOptions options, TrafficTap tap) {
        this.options = options.withTraffic(Traffic.BOTH);
        this.tap = tap;
    }

    @Override
    public Outcome serve(Connection connection) {
        DataSink back = (from, data) -> {
            tap.sent(from, data.asReadOnlyBuffer());
            from.write(data);
        };
        return new Session(connection, options, back, tap, false).start().join();
    }
}
