package netkit.engine.tcp;

import netkit.engine.stream.Endpoint;

/** What the engine reports as it runs; the command turns it into {@code -v} lines or JSON events. */
public interface TcpEvents {
    TcpEvents NONE = new TcpEvents() {};

    default void listening(Endpoint local) {}

    default void connected(Connection connection) {}

    /**
     * The connection's transport finished its opening exchange (TLS: protocol, cipher and peer in
     * {@code connection.transport().details()}); called for every connection, plain ones too.
     */
    default void handshaken(Connection connection) {}

    /** A client was accepted; {@code open} counts it (Node {@code getConnections}). */
    default void connection(Connection connection, int open) {}

    /** A client was closed at once: access rules or connection limit. */
    default void rejected(Endpoint remote, String reason) {}

    default void closed(Connection connection, Outcome outcome) {}

    /** Something went wrong that does not end the command (one client of many failed). */
    default void warning(String text) {}
}
