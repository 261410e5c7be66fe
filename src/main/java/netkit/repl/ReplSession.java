package netkit.repl;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * What the session REPL drives: one running network session (a TCP connection, a listener with its
 * clients, a UDP or multicast endpoint). Engines stay free of JLine; a small adapter in this
 * package implements this over each engine. No JLine type appears here, so commands can refer to
 * it without loading JLine on the non-interactive path.
 *
 * <p>Threading: {@link #send}, {@link #endOfInput}, {@link #halfClose} and the commands are called
 * from the REPL thread; the {@link Listener} is called from the engine's threads.
 */
public interface ReplSession {
    /** The optional abilities a session may have; the REPL offers only the commands that apply. */
    enum Feature {
        /** {@code /eof}: send FIN and keep reading. */
        HALF_CLOSE,
        /** {@code /pause} and {@code /resume}: stop and restart reading from the socket. */
        PAUSE,
        /** {@code /clients} and {@code /kick ID} (listeners). */
        CLIENTS,
        /** {@code /join GROUP} and {@code /leave GROUP} (multicast). */
        MEMBERSHIP
    }

    /**
     * Node's socket counters, summed over the session's connections; {@code detail} (may be null)
     * adds what else the session counts, e.g. datagrams.
     */
    record Stats(long bytesRead, long bytesWritten, long bufferSize, int connections, String detail) {
        public Stats(long bytesRead, long bytesWritten, long bufferSize, int connections) {
            this(bytesRead, bytesWritten, bufferSize, connections, null);
        }
    }

    /** One connected client of a listener, as {@code /clients} shows it. */
    record Client(String id, String address, long bytesRead, long bytesWritten) {}

    /** Where the session reports what the terminal shows. Called from engine threads. */
    interface Listener {
        /**
         * Bytes received. {@code source} labels the sender when there can be several (a client
         * id, a datagram's sender), or is null for the one peer of a connection.
         */
        void data(String source, byte[] data, int off, int len);

        /**
         * One whole message (a datagram) from {@code source}: shown at once, a last line without a
         * newline included, and an empty one announced.
         */
        void message(String source, byte[] data, int off, int len);

        /** A local notice (a client joined, the peer half-closed, …): shown unlike peer data. */
        void notice(String text);

        /** The session is over (the peer closed, an error, a count reached); called once. */
        void ended();
    }

    /** A short name for the prompt, e.g. {@code 127.0.0.1:9000}. */
    String name();

    /** The abilities beyond sending and receiving. */
    Set<Feature> features();

    /**
     * Registers where incoming data, notices and the end go, and starts the session's reading: an
     * adapter reads nothing before, so the kernel holds the peer back until the REPL is up.
     */
    void listen(Listener listener);

    /** Sends bytes to the peer (for a listener: to every client; for UDP: one datagram). */
    void send(byte[] data, int off, int len) throws IOException;

    /** Ctrl-D: stdin reached its end; the session applies its {@code --stdin-eof} policy. */
    void endOfInput() throws IOException;

    /** {@code /eof}: half-close (send FIN) and keep reading. */
    default void halfClose() throws IOException {
        throw new UnsupportedOperationException("half-close");
    }

    /** {@code /pause}: stop reading from the socket, so the kernel applies backpressure. */
    default void pause() {
        throw new UnsupportedOperationException("pause");
    }

    /** {@code /resume}: read again. */
    default void resume() {
        throw new UnsupportedOperationException("resume");
    }

    /** The counters for {@code /stats}. */
    Stats stats();

    /** {@code /clients}. */
    default List<Client> clients() {
        throw new UnsupportedOperationException("clients");
    }

    /** {@code /kick ID}: closes that client; false when there is no such client. */
    default boolean kick(String id) throws IOException {
        throw new UnsupportedOperationException("kick");
    }

    /** {@code /join GROUP}. */
    default void join(String group) throws IOException {
        throw new UnsupportedOperationException("join");
    }

    /** {@code /leave GROUP}. */
    default void leave(String group) throws IOException {
        throw new UnsupportedOperationException("leave");
    }

    /** Ends the session now ({@code /quit}, Ctrl-C); idempotent. */
    void close();
}
