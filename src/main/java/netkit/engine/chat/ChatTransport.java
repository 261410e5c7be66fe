package netkit.engine.chat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * The byte stream of one member: blocking reads by the member's reader, blocking writes by its
 * writer, and a close that ends both. The host supplies it over its own connection, so that its
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
}
