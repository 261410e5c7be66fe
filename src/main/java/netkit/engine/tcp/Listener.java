package netkit.engine.tcp;

import java.io.Closeable;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import netkit.NetkitException;
import netkit.net.AddressFormat;

/**
 * The TCP server of {@code tcp-listen}: binds (dual-stack by default), accepts, applies the
 * access rules and limits ({@code -m}, {@code -c}, one-shot, {@code --accept-timeout}), gives each
 * client an id, keeps the open count (Node {@code getConnections}) and hands every connection to a
 * {@link ConnectionHandler} on its own virtual thread. Closing it stops listening and closes every
 * connection.
 */
public final class Listener implements Closeable {
    private final ListenOptions options;
    private final TcpEvents events;
    private final Totals totals;
    private final ServerSocketChannel server;
    private final InetSocketAddress local;
    private final ConcurrentSkipListMap<Long, Connection> open = new ConcurrentSkipListMap<>();
    // open.size() walks the whole map: the count is kept beside it, since every accept reports it
    private final AtomicInteger openCount = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch firstClient = new CountDownLatch(1);
    private final Object idle = new Object();
    private long nextId = 1;
    private volatile boolean acceptTimedOut;

    private Listener(ListenOptions options, TcpEvents events, Totals totals, ServerSocketChannel server)
            throws IOException {
        this.options = options;
        this.events = events;
        this.totals = totals;
        this.server = server;
        this.local = (InetSocketAddress) server.getLocalAddress();
    }

    /** Binds and listens; throws a {@link NetkitException} (exit 6) when the address cannot be bound. */
    public static Listener bind(ListenOptions options, TcpEvents events, Totals totals) {
        InetAddress address = options.address();
        if (address != null && !options.family().accepts(address)) {
            throw NetkitException.usage("address " + AddressFormat.text(address) + " is not "
                    + (options.family() == Family.IPV4 ? "IPv4 (-4)" : "IPv6 (-6)"));
        }
        InetSocketAddress where;
        if (address != null) {
            where = new InetSocketAddress(address, options.port());
        } else if (options.family() == Family.IPV4) {
            where = new InetSocketAddress(anyV4(), options.port());
        } else {
            where = new InetSocketAddress(anyV6(), options.port());
        }
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open(where.getAddress() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
            if (options.family() == Family.IPV6 && where.getAddress().isAnyLocalAddress()) {
                v6Only(ch);
            }
            ch.bind(where, options.backlog());
            return new Listener(options, events, totals, ch);
        } catch (UnsupportedOperationException e) {
            if (address == null && options.family() == Family.ANY) {
                // no IPv6 on this host: every interface means every IPv4 interface
                return bind(new ListenOptions(null, options.port(), Family.IPV4, options.backlog(), options.keepOpen(),
                        options.maxConns(), options.count(), options.acceptTimeout(), options.access(),
                        options.tuning()), events, totals);
            }
            throw NetkitException.from(e, "bind " + AddressFormat.hostPort(where));
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // failed to bind anyway
                }
            }
            throw NetkitException.from(e, "bind " + AddressFormat.hostPort(where));
        }
    }

    /**
     * {@code -6} on the wildcard: IPV6_V6ONLY, so IPv4 clients are refused by the kernel. Where
     * that option cannot be set (Java 21, no FFM), IPv4 clients are accepted and closed at once
     * instead (see {@link #admit}).
     */
    private static void v6Only(ServerSocketChannel ch) {
        try {
            netkit.engine.udp.NativeSocketOptions.setInt(ch, netkit.engine.udp.NativeSocketOptions.IPV6_V6ONLY, 1);
        } catch (UnsupportedOperationException e) {
            // fall back to rejecting IPv4 clients after accept
        }
    }

    private static InetAddress anyV6() {
        try {
            return InetAddress.getByAddress(new byte[16]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress anyV4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bound address, with the real port when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** The open connections, by id (for {@code /clients}). */
    public List<Connection> connections() {
        return new ArrayList<>(open.values());
    }

    /** Whether it serves one client and returns that client's outcome (neither {@code -k} nor {@code -c}). */
    public boolean servesOneClient() {
        return options.oneShot();
    }

    /** Node {@code getConnections}. */
    public int connectionCount() {
        return openCount.get();
    }

    /** Closes connection {@code id} (for {@code /kick}); false when there is none. */
    public boolean kick(long id) {
        Connection c = open.get(id);
        if (c == null) {
            return false;
        }
        c.close();
        return true;
    }

    /**
     * Accepts and serves until the limits say stop (one-shot: one client; {@code -c N}: N clients)
     * and every connection has ended, or until {@link #close}. Returns the one client's outcome in
     * one-shot mode, else {@link Outcome#CLOSED}; throws on accept timeout (exit 4).
     */
    public Outcome serve(ConnectionHandler handler) {
        events.listening(local);
        handler.open(this);
        if (options.acceptTimeout() != null && !options.acceptTimeout().isZero()) {
            Threads.start("accept-timeout", this::watchAcceptTimeout);
        }
        CompletableFuture<Outcome> only = null;
        int accepted = 0;
        try {
            while (!closed.get()) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (ClosedChannelException e) {
                    break;
                } catch (IOException e) {
                    if (!server.isOpen()) {
                        break;
                    }
                    events.warning("accept failed: " + e.getMessage());
                    pause();
                    continue;
                }
                Connection c;
                try {
                    c = new Connection(nextId++, ch, totals);
                } catch (IOException e) {
                    closeQuietly(ch);
                    continue;
                }
                String reason = admit(c);
                if (reason != null) {
                    if (reason.equals(limitReason())) {
                        handler.overLimit(c);
                    }
                    events.rejected(c.remoteAddress(), reason);
                    c.close();
                    continue;
                }
                try {
                    options.tuning().apply(ch);
                } catch (IOException e) {
                    events.warning("socket options for " + AddressFormat.hostPort(c.remoteAddress()) + ": " + e.getMessage());
                }
                open.put(c.id(), c);
                openCount.incrementAndGet();
                accepted++;
                firstClient.countDown();
                boolean last = options.oneShot() || options.count() > 0 && accepted >= options.count();
                if (last) {
                    stopListening();
                }
                handler.admitted(c);
                events.connection(c, openCount.get());
                CompletableFuture<Outcome> f = start(handler, c);
                if (options.oneShot()) {
                    only = f;
                }
                if (last) {
                    break;
                }
            }
            awaitAllClosed();
        } finally {
            stopListening();
            handler.close();
        }
        if (acceptTimedOut) {
            throw NetkitException.timeout("no client connected within " + Durations.text(options.acceptTimeout()));
        }
        if (only != null) {
            return only.join();
        }
        return Outcome.CLOSED;
    }

    private String admit(Connection c) {
        InetAddress remote = c.remoteAddress().getAddress();
        if (options.family() == Family.IPV6 && options.address() == null && !(remote instanceof Inet6Address)) {
            return "IPv4 client on an IPv6-only (-6) listener";
        }
        String denied = options.access().check(remote);
        if (denied != null) {
            return denied;
        }
        if (options.maxConns() > 0 && openCount.get() >= options.maxConns()) {
            return limitReason();
        }
        return null;
    }

    private String limitReason() {
        return "connection limit reached (" + options.maxConns() + ")";
    }

    private CompletableFuture<Outcome> start(ConnectionHandler handler, Connection c) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        Threads.start("conn-" + c.id(), () -> {
            Outcome outcome;
            try {
                outcome = handler.serve(c);
            } catch (RuntimeException e) {
                outcome = Outcome.error(e);
            } finally {
                c.close();
            }
            if (open.remove(c.id()) != null) {
                openCount.decrementAndGet();
            }
            try {
                events.closed(c, outcome);
            } finally {
                f.complete(outcome);
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        });
        return f;
    }

    private void awaitAllClosed() {
        synchronized (idle) {
            while (!open.isEmpty()) {
                try {
                    idle.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    return;
                }
            }
        }
    }

    private void watchAcceptTimeout() {
        try {
            if (!firstClient.await(options.acceptTimeout().toNanos(), TimeUnit.NANOSECONDS) && !closed.get()) {
                acceptTimedOut = true;
                stopListening();
            }
        } catch (InterruptedException ignored) {
            // listener closed
        }
    }

    private void stopListening() {
        closeQuietly(server);
    }

    /** Stops listening and closes every connection; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            stopListening();
            for (Connection c : open.values()) {
                c.close();
            }
            firstClient.countDown();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // accept failing repeatedly (e.g. out of file descriptors): do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to report
        }
    }
}
