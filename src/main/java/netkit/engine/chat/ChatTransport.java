package netkit.engine.chat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The byte stream of one member: blocking reads by the member's reader, blocking writes by its
 * writer, and a close that ends both. {@link #of(SocketChannel)} is the plain one; a host with its
 * own connection bookkeeping (byte counts, idle time) supplies its own.
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

    static ChatTransport of(SocketChannel channel) {
        SocketAddress remote;
        try {
            remote = channel.getRemoteAddress();
        } catch (IOException e) {
            remote = null;
        }
        SocketAddress peer = remote;
        return new ChatTransport() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }

            @Override
            public void write(ByteBuffer[] srcs) throws IOException {
                ByteBuffer last = srcs[srcs.length - 1];
                while (last.hasRemaining()) {
                    channel.write(srcs);
                }
            }

            @Override
            public void close() {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // best effort: the descriptor is released either way
                }
            }

            @Override
            public SocketAddress remote() {
                return peer;
            }
        };
    }
}
