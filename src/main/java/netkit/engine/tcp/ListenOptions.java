package netkit.engine.tcp;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How a {@link Listener} binds and which clients it takes.
 *
 * @param address       address to bind; null = every interface (dual-stack unless {@code family} says otherwise)
 * @param port          0-65535, 0 = any free port
 * @param family        {@code -4}/{@code -6}
 * @param backlog       listen backlog (Node's default 511)
 * @param keepOpen      serve any number of clients ({@code -k}); else exactly one
 * @param maxConns      at most this many at once, the next is closed at once; 0 = no limit
 * @param count         accept this many in total, then stop listening; 0 = no limit
 * @param acceptTimeout fail when no client came within this long; null = wait for ever
 * @param access        allow/deny rules
 * @param tuning        options for accepted sockets
 */
public record ListenOptions(
        InetAddress address,
        int port,
        Family family,
        int backlog,
        boolean keepOpen,
        int maxConns,
        int count,
        Duration acceptTimeout,
        AccessRules access,
        SocketTuning tuning) {

    public static ListenOptions loopback(int port) {
        return new ListenOptions(InetAddress.getLoopbackAddress(), port, Family.ANY, 511, false, 0, 0, null,
                AccessRules.OPEN, SocketTuning.NONE);
    }

    public ListenOptions withKeepOpen(boolean k) {
        return new ListenOptions(address, port, family, backlog, k, maxConns, count, acceptTimeout, access, tuning);
    }

    /** Whether the listener stops after its first client. */
    boolean oneShot() {
        return !keepOpen && count == 0;
    }
}
