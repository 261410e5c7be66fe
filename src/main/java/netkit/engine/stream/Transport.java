package netkit.engine.stream;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * A connected byte stream: what the relay, the listener's server modes, the REPL sessions and the
 * scanner talk to, whatever carries the bytes — a TCP or Unix socket ({@link SocketTransport}), TLS
 * over one, or a tunnel through proxies. Reads and writes block; one thread reads while others
 * write (the caller serialises writers). Bytes are the payload: a TLS transport reads and writes
 * plaintext, so byte counts, {@code -x} dumps and {@code -C} see what the user sees.
 *
 * <p>A transport that needs an opening exchange (a TLS handshake) does it in {@link #handshake},
 * which the connector and the listener call before any payload moves, on the connection's own
 * thread; an implementation must also run it itself before the first {@link #read} or
 * {@link #write}, so no payload byte can ever pass before it succeeded.
 */
public interface Transport extends Closeable {

    /**
     * Runs the opening exchange, once; later calls return at once. Plain sockets have none. A
     * failure is thrown as the exception that says what failed (a {@code NetkitException} with
     * its exit code where the transport knows it).
     */
    default void handshake() throws IOException {}

    /** Reads into {@code dst}; the number of bytes read, or -1 at the peer's end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes some bytes of {@code src}, blocking until at least one could be taken; returns how many. */
    int write(ByteBuffer src) throws IOException;

    /** A gathering write of some bytes of {@code srcs}, in order; returns how many. */
    default long write(ByteBuffer[] srcs) throws IOException {
        long n = 0;
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                int w = write(b);
                n += w;
                if (b.hasRemaining()) {
                    break;
                }
            }
        }
        return n;
    }

    /**
     * Half-close: tells the peer we send nothing more (a TCP FIN; TLS close_notify, then FIN) and
     * keeps reading. Called at most once.
     */
    void shutdownOutput() throws IOException;

    /** Closes at once (no goodbye); idempotent; a blocked read or write returns with an exception. */
    @Override
    void close() throws IOException;

    Endpoint localEndpoint();

    Endpoint remoteEndpoint();

    /**
     * The socket under this transport, for socket options (keepalive, TCP_NODELAY) and native fast
     * paths; a layered transport returns its innermost socket's.
     */
    SocketChannel socket();

    /**
     * Whether the bytes of {@link #read} and {@link #write} are the socket's own bytes (no
     * encryption or framing in between), so zero-copy paths may move them without this object.
     */
    default boolean plain() {
        return false;
    }

    /**
     * What this transport adds to a connection's description after {@link #handshake} (the TLS
     * protocol, cipher and peer, …), in the order to print; empty for a plain socket.
     */
    default Map<String, Object> details() {
        return Map.of();
    }
}
