package netkit.engine.tcp;

import java.net.InetAddress;
import java.time.Duration;
import netkit.net.Family;

/**
 * How a {@link Listener} binds and which clients it takes; built with {@link #builder()}, whose defaults are
 * every interface, port 0, either family, backlog 511 (Node's), one client, no limits, everyone admitted.
 */
public final class ListenOptions {
    private final InetAddress address;
    private final int port;
    private final Family family;
    private final int backlog;
    private final boolean keepOpen;
    private final int maxConns;
    private final int count;
    private final Duration acceptTimeout;
    private final AccessRules access;
    private final SocketTuning tuning;

    private ListenOptions(Builder b) {
        this.address = b.address;
        this.port = b.port;
        this.family = b.family;
        this.backlog = b.backlog;
        this.keepOpen = b.keepOpen;
        this.maxConns = b.maxConns;
        this.count = b.count;
        this.acceptTimeout = b.acceptTimeout;
        this.access = b.access;
        this.tuning = b.tuning;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The loopback listener of tests and embedders: one client on {@code port}. */
    public static ListenOptions loopback(int port) {
        return builder().address(InetAddress.getLoopbackAddress()).port(port).build();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder()
                .address(address)
                .port(port)
                .family(family)
                .backlog(backlog)
                .keepOpen(keepOpen)
                .maxConns(maxConns)
                .count(count)
                .acceptTimeout(acceptTimeout)
                .access(access)
                .tuning(tuning);
    }

    public ListenOptions withKeepOpen(boolean k) {
        return toBuilder().keepOpen(k).build();
    }

    /** Address to bind; null = every interface (dual-stack unless {@link #family} says otherwise). */
    public InetAddress address() {
        return address;
    }

    /** 0-65535, 0 = any free port. */
    public int port() {
        return port;
    }

    /** {@code -4}/{@code -6}. */
    public Family family() {
        return family;
    }

    /** Listen backlog. */
    public int backlog() {
        return backlog;
    }

    /** Serve any number of clients ({@code -k}); else exactly one. */
    public boolean keepOpen() {
        return keepOpen;
    }

    /** At most this many at once, the next is closed at once; 0 = no limit. */
    public int maxConns() {
        return maxConns;
    }

    /** Accept this many in total, then stop listening; 0 = no limit. */
    public int count() {
        return count;
    }

    /** Fail when no client came within this long; null = wait for ever. */
    public Duration acceptTimeout() {
        return acceptTimeout;
    }

    /** Allow/deny rules. */
    public AccessRules access() {
        return access;
    }

    /** Options for accepted sockets. */
    public SocketTuning tuning() {
        return tuning;
    }

    /** Whether the listener stops after its first client. */
    boolean oneShot() {
        return !keepOpen && count == 0;
    }

    /** Collects the options; every setter returns the builder. */
    public static final class Builder {
        private InetAddress address;
        private int port;
        private Family family = Family.ANY;
        private int backlog = 511;
        private boolean keepOpen;
        private int maxConns;
        private int count;
        private Duration acceptTimeout;
        private AccessRules access = AccessRules.OPEN;
        private SocketTuning tuning = SocketTuning.NONE;

        private Builder() {}

        public Builder address(InetAddress a) {
            address = a;
            return this;
        }

        public Builder port(int p) {
            port = p;
            return this;
        }

        public Builder family(Family f) {
            family = f;
            return this;
        }

        public Builder backlog(int n) {
            backlog = n;
            return this;
        }

        public Builder keepOpen(boolean k) {
            keepOpen = k;
            return this;
        }

        public Builder maxConns(int n) {
            maxConns = n;
            return this;
        }

        public Builder count(int n) {
            count = n;
            return this;
        }

        public Builder acceptTimeout(Duration d) {
            acceptTimeout = d;
            return this;
        }

        public Builder access(AccessRules rules) {
            access = rules;
            return this;
        }

        public Builder tuning(SocketTuning t) {
            tuning = t;
            return this;
        }

        public ListenOptions build() {
            return new ListenOptions(this);
        }
    }
}
