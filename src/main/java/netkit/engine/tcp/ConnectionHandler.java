package netkit.engine.tcp;

import java.util.concurrent.CompletableFuture;

/**
 * A server mode of {@code tcp-listen}: relay (default), echo, broker, exec, chat, … — a strategy
 * over one {@link Listener}, which owns binding, accepting, limits, ids and bookkeeping.
 */
public interface ConnectionHandler {
    /**
     * Descriptors one client costs in this mode (its socket, and an exec child's three pipe ends):
     * the listener turns clients away while fewer than 16 clients' worth are free.
     */
    default int descriptorsPerClient() {
        return 1;
    }

    /** Called once, after binding and before the first accept. */
    default void open(Listener listener) {}

    /**
     * Called on the accepting thread for each admitted connection, before its {@code connection}
     * event and before {@link #serve}: a mode that must know every client at once (broker) registers
     * it here, so nothing sent right after the event misses the newcomer.
     */
    default void admitted(Connection connection) {}

    /**
     * Called on the accepting thread for a client turned away by the connection limit ({@code -m}),
     * before the listener closes it: a mode may tell the client why (chat's {@code server full}
     * line). Must not block.
     */
    default void overLimit(Connection connection) {}

    /**
     * Serves one accepted connection, on that connection's own virtual thread, until it ends. The
     * listener closes the connection afterwards and reports the outcome.
     */
    Outcome serve(Connection connection);

    /**
     * Serves one accepted connection like {@link #serve}, but may return before it has ended: a hub
     * that serves plain sockets from one selector thread ({@link netkit.engine.stream.SocketLoop})
     * lets the connection's thread end instead of parking it for the client's lifetime. The future
     * completes with the outcome when the connection has ended. By default, {@link #serve} in the
     * calling thread.
     */
    default CompletableFuture<Outcome> serveDetached(Connection connection) {
        return CompletableFuture.completedFuture(serve(connection));
    }

    /**
     * Whether {@link #serveDetached} returns at once for {@code connection}, blocking on nothing but a
     * short lock (a hub registering a plain socket with its selector loop): the listener then calls it
     * on the accepting thread instead of starting a thread for it, which in a storm of joins costs more
     * than the registration itself. By default, false.
     */
    default boolean servesWithoutBlocking(Connection connection) {
        return false;
    }

    /** Called once, when the listener has stopped and every connection has ended. */
    default void close() {}
}
