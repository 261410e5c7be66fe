package netkit.engine.chat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import netkit.engine.stream.SocketLoop;

/**
 * The byte stream of one member: blocking reads by the member's reader, blocking writes by its
 * writer, and a close that ends both; or, for a plain socket, a registration with the host's
 * selector loop ({@link #register}). The host supplies it over its own connection, so that its
 * bookkeeping (byte counts, idle time, close events) sees what the room moves.
 */
public interface ChatTransport {
    /** Reads into {@code dst}; -1 at end of stream. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes every remaining byte of every buffer, in order. */
    void write(ByteBuffer[] srcs) throws IOException;

    /** Closes the stream; idempotent; unblocks a pending read or write. */
    void close();

    /** The peer's address, for events; may be null. */
    SocketAddress remote();

    /**
     * Serves this stream from the host's selector loop instead of a thread of its own: returns the
     * registration (not yet {@linkplain SocketLoop.Registration#start started}) through which its
     * bytes go, or null when the stream needs a thread (TLS and other layers: the default). The
     * host closes the registration's socket with {@link #close}.
     */
    default SocketLoop.Registration register(long limit, SocketLoop.Client client) throws IOException {
        return null;
    }
}
