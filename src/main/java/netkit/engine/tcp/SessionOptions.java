package netkit.engine.tcp;

import java.time.Duration;

/**
 * How one relay session behaves at its edges.
 *
 * @param idleTimeout   close after this long without a byte in either direction (Node {@code setTimeout}); null = never
 * @param stdinEof      what our input's end does to the connection
 * @param quitAfter     after our input ended, end the session this much later even if the peer is open (nc {@code -q}); null = never
 * @param allowHalfOpen after the peer's FIN, keep sending our input until it ends (Node {@code allowHalfOpen})
 * @param traffic       both directions, or only one
 * @param crlf          LF becomes CRLF on what we send (an existing CRLF is kept as it is)
 */
public record SessionOptions(
        Duration idleTimeout,
        StdinEofPolicy stdinEof,
        Duration quitAfter,
        boolean allowHalfOpen,
        Traffic traffic,
        boolean crlf) {

    public static SessionOptions defaults() {
        return new SessionOptions(null, StdinEofPolicy.SHUTDOWN, null, true, Traffic.BOTH, false);
    }

    public SessionOptions withTraffic(Traffic t) {
        return new SessionOptions(idleTimeout, stdinEof, quitAfter, allowHalfOpen, t, crlf);
    }
}
