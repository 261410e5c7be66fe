package netkit.engine.tcp;

import java.time.Duration;
import netkit.NetkitException;
import netkit.engine.stream.Target;

/**
 * {@code tcp-listen --forward TARGET} (SPEC §12): every client gets its own upstream connection,
 * opened on the client's thread when it connects, and the two are {@link Splice spliced} both ways
 * with half-close preserved — socat's {@code TCP-LISTEN,fork TCP:…} in one process. An upstream that
 * refuses or times out ends only that client, at once, with the error (and its code) in the client's
 * {@code close} event; the listener goes on. The outcome carries the upstream connection, so that
 * one event reports both sides' bytes.
 *
 * <p>Both sides are transports, so layers compose without this class knowing: {@code --tls} on the
 * listener is the {@link Listener}'s layer (clients arrive decrypted), and {@code --forward-tls} is a
 * TLS client layer on the upstream {@link Connector} ({@code connector.withLayer(tls)}) — the
 * command builds it; nothing here changes.
 */
public final class ForwardHandler implements ConnectionHandler {

    private final Connector upstream;
    private final Duration idleTimeout;
    private final TrafficTap tap;
    private volatile Listener listener;

    /**
     * @param upstream    how each client's upstream connection is made (target, connect timeout, layers)
     * @param idleTimeout close a client and its upstream when nothing moved either way for this long; null = never
     * @param tap         sees the client's bytes each way ({@code -x})
     */
    public ForwardHandler(Connector upstream, Duration idleTimeout, TrafficTap tap) {
        this.upstream = upstream;
        this.idleTimeout = idleTimeout;
        this.tap = tap;
    }

    /** Where clients are forwarded to. */
    public Target target() {
        return upstream.finalTarget();
    }

    @Override
    public void open(Listener l) {
        this.listener = l;
    }

    @Override
    public Outcome serve(Connection client) {
        Connection up;
        try {
            up = upstream.connect(null);
        } catch (RuntimeException e) {
            return Outcome.error(NetkitException.from(
                    e, "connect to " + upstream.finalTarget().text()));
        }
        Listener l = listener;
        boolean few = l == null || l.connectionCount() <= Splice.BULK_CONNECTIONS;
        Splice splice = new Splice(client, up, tap, idleTimeout, few ? Splice.BULK_BUFFER : Splice.SHARED_BUFFER);
        return splice.run(few).withUpstream(up);
    }
}
