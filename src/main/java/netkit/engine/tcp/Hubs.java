package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import netkit.engine.stream.SocketLoop;

/**
 * What the hub modes ({@code --chat}, {@code --broker}, {@code --echo}) share to serve a plain
 * connection from a {@link SocketLoop}: the connection's byte counts and idle time see what the
 * loop moves, and closing the connection (a kick, the listener stopping) reaches the loop.
 */
final class Hubs {
    private Hubs() {}

    /** The outcome of a connection whose loop registration ended with {@code error} (null: end of stream). */
    static Outcome outcome(Connection c, IOException error) {
        if (error == null || error instanceof java.nio.channels.ClosedChannelException || !c.isOpen()) {
            return Outcome.CLOSED; // closed on purpose (kick, listener shutdown, an end rule): not an error
        }
        return Outcome.error(
                netkit.NetkitException.from(error, "receive from " + c.remote().text()));
    }

    /** Registers {@code c}'s socket with {@code loop} for {@code client}; not started yet. */
    static SocketLoop.Registration register(SocketLoop loop, Connection c, long limit, SocketLoop.Client client)
            throws IOException {
        SocketLoop.Registration r = loop.register(c.transport().socket(), limit, new SocketLoop.Client() {
            @Override
            public void received(ByteBuffer data) {
                c.counted(data.remaining(), 0);
                client.received(data);
            }

            @Override
            public void ended(IOException error) {
                client.ended(error);
            }

            @Override
            public void sent(long n) {
                c.counted(0, n);
            }

            @Override
            public void drained() {
                client.drained();
            }
        });
        c.servedBy(r);
        if (!c.onClose(r::changed)) {
            r.changed(); // closed already: the loop ends it
        }
        return r;
    }
}
