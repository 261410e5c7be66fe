package netkit.engine.stream;

import java.io.IOException;

/**
 * A step that turns a connected transport into the one the session uses: a proxy's CONNECT
 * exchange toward the next hop, a TLS client or server wrapping. The {@code Connector} applies its
 * layers in order after dialing; the {@code Listener} applies its layer to every accepted socket.
 * A layer may talk on the wire at once (a proxy's connect phase) or leave that to
 * {@link Transport#handshake} (TLS, run on the connection's own thread).
 */
@FunctionalInterface
public interface TransportLayer {
    /** Adds nothing. */
    TransportLayer NONE = (inner, target) -> inner;

    /**
     * @param inner  the connected transport so far
     * @param target where the whole stream is going (the final target: a TLS name check needs it);
     *               for an accepted connection, the listener's own bound endpoint's target, or null
     */
    Transport apply(Transport inner, Target target) throws IOException;

    /** This layer, then {@code next} over it. */
    default TransportLayer then(TransportLayer next) {
        if (this == NONE) {
            return next;
        }
        if (next == NONE) {
            return this;
        }
        return (inner, target) -> next.apply(apply(inner, target), target);
    }
}
