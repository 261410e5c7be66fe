package netkit.engine.tcp;

import java.io.IOException;
import netkit.engine.stream.SocketLoop;

/**
 * What the hub modes ({@code --chat}, {@code --broker}, {@code --echo}) share to serve a plain
 * connection from a {@link SocketLoop}: the connection's byte counts and the command's totals see
 * what the loop moves, and closing the connection (a kick, the listener stopping) reaches the loop.
 * Such a connection has no idle time: the hubs keep a thread per client under {@code -i}.
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
        SocketLoop.Registration r = loop.register(c.transport().socket(), limit, client);
        Totals totals = c.totals();
        if (totals != null) {
            r.countInto(totals.written, totals.read); // the connection's own counts are the registration's
        }
        c.servedBy(r);
        if (!c.onClose(r::changed)) {
            r.changed(); // closed already: the loop ends it
        }
        return r;
    }
}
