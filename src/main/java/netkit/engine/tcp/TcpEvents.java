package netkit.engine.tcp;

import java.net.InetSocketAddress;

/** What the engine reports as it runs; the command turns it into {@code -v} lines or JSON events. */
public interface TcpEvents {
    TcpEvents NONE = new TcpEvents() {};

    default void listening(InetSocketAddress local) {}

    default void connected(Connection connection) {}

    /** A client was accepted; {@code open} counts it (Node {@code getConnections}). */
    default void connection(Connection connection, int open) {}

    /** A client was closed at once: access rules or connection limit. */
    default void rejected(InetSocketAddress remote, String reason) {}

    default void closed(Connection connection, Outcome outcome) {}

    /** Something went wrong that does not end the command (one client of many failed). */
    default void warning(String text) {}
}
