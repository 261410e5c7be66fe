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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import netkit.NetkitException;
import netkit.engine.stream.Endpoint;
import netkit.engine.stream.SocketTransport;
import netkit.engine.stream.Transport;
import netkit.engine.stream.TransportLayer;
import netkit.net.AddressFormat;
import netkit.net.Family;
import netkit.output.Durations;

/**
 * The stream server of {@code tcp-listen}: binds (dual-stack by default), accepts, applies the
 * access rules and limits ({@code -m}, {@code -c}, one-shot, {@code --accept-timeout}), gives each
 * client an id, keeps the open count (Node {@code getConnections}) and hands every connection to a
 * {@link ConnectionHandler} on its own virtual thread. Every accepted socket becomes a
 * {@link Transport} through the listener's {@link TransportLayer} (TLS, …), whose handshake runs on
 * the connection's thread before the handler sees it, so a slow handshake never holds the accept
 * loop. Closing it stops listening and closes every connection.
 */
public final class Listener implements Closeable {
    private final ListenOptions options;
    private final TcpEvents events;
    private final Totals totals;
    private final ServerSocketChannel server;
    private final TransportLayer layer;
    private final Endpoint local;
    /** The socket file of a Unix-domain listener (removed when it stops listening); null for TCP. */
    private final UnixSocketFile unixFile;

    private final ConcurrentSkipListMap<Long, Connection> open = new ConcurrentSkipListMap<>();
    // open.size() walks the whole map: the count is kept beside it, since every accept reports it
    private final AtomicInteger openCount = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch firstClient = new CountDownLatch(1);
    private final Object idle = new Object();
    /** Connections whose close event is not out yet (they may be out of {@link #open} already); guarded by idle. */
    private int unended;
    /** Descriptors kept free for what else the process opens; clients beyond them are turned away. */
    private netkit.sys.FdBudget fds;

    private int fdsPerClient = 1;
    /** An accept failing for a lack of descriptors repeats 20 times a second: one line per 10 s. */
    private final WarningThrottle warnings;

    private long nextId = 1;
    private volatile boolean acceptTimedOut;

    private Listener(
            ListenOptions options, TransportLayer layer, TcpEvents events, Totals totals, ServerSocketChannel server)
            throws IOException {
        this(options, layer, events, totals, server, null);
    }

    private Listener(
            ListenOptions options,
            TransportLayer layer,
            TcpEvents events,
            Totals totals,
            ServerSocketChannel server,
            UnixSocketFile unixFile)
            throws IOException {
        this.unixFile = unixFile;
        this.options = options;
        this.layer = layer;
        this.events = events;
        this.totals = totals;
        this.server = server;
        this.local = unixFile != null ? new Endpoint.Unix(unixFile.path()) : Endpoint.of(server.getLocalAddress());
        this.warnings = new WarningThrottle(events::warning, java.time.Duration.ofSeconds(10));
    }

    /** Clients' worth of descriptors kept free. */
    static final int FD_RESERVE_CLIENTS = 16;

    /** Binds and listens; throws a {@link NetkitException} (exit 6) when the address cannot be bound. */
    public static Listener bind(ListenOptions options, TcpEvents events, Totals totals) {
        return bind(options, TransportLayer.NONE, events, totals);
    }

    /**
     * Binds and listens; every accepted socket goes through {@code layer} (TLS, …) before its handler.
     * Throws a {@link NetkitException} (exit 6) when the address cannot be bound.
     */
    public static Listener bind(ListenOptions options, TransportLayer layer, TcpEvents events, Totals totals) {
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
            ch = ServerSocketChannel.open(
                    where.getAddress() instanceof Inet4Address
                            ? StandardProtocolFamily.INET
                            : StandardProtocolFamily.INET6);
            if (options.family() == Family.IPV6 && where.getAddress().isAnyLocalAddress()) {
                v6Only(ch);
            }
            ch.bind(where, options.backlog());
            return new Listener(options, layer, events, totals, ch);
        } catch (UnsupportedOperationException e) {
            if (address == null && options.family() == Family.ANY) {
                // no IPv6 on this host: every interface means every IPv4 interface
                return bind(
                        options.toBuilder().address(null).family(Family.IPV4).build(), layer, events, totals);
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
     * Listens on a Unix-domain socket file ({@code -U PATH}, SPEC §11) instead of an address and port:
     * the file is created (exit 6 when a server listens there, or a stale file is in the way without
     * {@link UnixListen#unlink}), given its mode, and removed when the listener stops listening or the
     * JVM shuts down (Ctrl-C, SIGTERM). The address, port, family, access rules and socket tuning of
     * {@code options} do not apply; limits, counts and timeouts do.
     */
    public static Listener bindUnix(
            UnixListen unix, ListenOptions options, TransportLayer layer, TcpEvents events, Totals totals) {
        UnixSocketFile file = UnixSocketFile.bind(unix, options.backlog());
        try {
            return new Listener(options, layer, events, totals, file.channel(), file);
        } catch (IOException | RuntimeException e) {
            closeQuietly(file.channel());
            file.close();
            throw NetkitException.from(e, "bind " + unix.path());
        }
    }

    /**
     * {@code -6} on the wildcard: IPV6_V6ONLY, so IPv4 clients are refused by the kernel. Where
     * that option cannot be set (Java 21, no FFM), IPv4 clients are accepted and closed at once
     * instead (see {@link #admit}).
     */
    private static void v6Only(ServerSocketChannel ch) {
        try {
            netkit.sys.SocketOptions.setInt(ch, netkit.sys.SocketOptions.IPV6_V6ONLY, 1);
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
    public Endpoint local() {
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
        fdsPerClient = handler.descriptorsPerClient();
        fds = new netkit.sys.FdBudget(FD_RESERVE_CLIENTS * fdsPerClient);
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
                    warnings.warn("accept failed: " + e.getMessage());
                    pause();
                    continue;
                }
                Connection c = take(ch, handler);
                if (c == null) {
                    continue;
                }
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

    /**
     * An accepted socket as an open connection, or null when it was turned away (and closed). A method
     * of its own, not the accept loop's body: the JIT compiles a method after a few hundred calls, but
     * a loop that runs once only after tens of thousands of iterations, so a storm of 10,000 joins ran
     * this part interpreted.
     */
    private Connection take(SocketChannel ch, ConnectionHandler handler) {
        Connection c;
        try {
            // an accepted Unix client is unnamed: it is known by the path it came through
            c = new Connection(
                    nextId++, layer.apply(new SocketTransport(ch, unixFile == null ? null : local), null), totals);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            events.warning("accept: " + e.getMessage());
            return null;
        }
        Rejection rejection = admit(c);
        if (rejection != null) {
            if (rejection.kind() == Rejection.Kind.LIMIT) {
                handler.overLimit(c);
            } else if (rejection.kind() == Rejection.Kind.FDS) {
                warnings.warn("turning clients away: " + rejection.text());
            }
            events.rejected(c.remote(), rejection.text());
            c.close();
            return null;
        }
        try {
            if (unixFile == null) {
                options.tuning().apply(ch);
            }
        } catch (IOException e) {
            events.warning("socket options for " + c.remote().text() + ": " + e.getMessage());
        }
        synchronized (idle) {
            unended++;
        }
        open.put(c.id(), c);
        openCount.incrementAndGet();
        return c;
    }

    private Rejection admit(Connection c) {
        InetAddress remote = c.remote().inetAddress(); // null for a Unix socket: file permissions are its access rules
        if (remote != null) {
            if (options.family() == Family.IPV6 && options.address() == null && !(remote instanceof Inet6Address)) {
                return new Rejection(Rejection.Kind.FAMILY, "IPv4 client on an IPv6-only (-6) listener");
            }
            String denied = options.access().check(remote);
            if (denied != null) {
                return new Rejection(Rejection.Kind.ACCESS, denied);
            }
        }
        if (options.maxConns() > 0 && openCount.get() >= options.maxConns()) {
            return new Rejection(Rejection.Kind.LIMIT, "connection limit reached (" + options.maxConns() + ")");
        }
        String full = fds == null ? null : fds.refuse(fdsPerClient);
        if (full != null) {
            return new Rejection(Rejection.Kind.FDS, "too many open files: " + full);
        }
        return null;
    }

    private CompletableFuture<Outcome> start(ConnectionHandler handler, Connection c) {
        CompletableFuture<Outcome> f = new CompletableFuture<>();
        Runnable serve = () -> {
            CompletableFuture<Outcome> served;
            try {
                c.handshake();
                events.handshaken(c);
                served = handler.serveDetached(c);
            } catch (IOException e) {
                served = CompletableFuture.completedFuture(Outcome.error(
                        NetkitException.from(e, "handshake with " + c.remote().text())));
            } catch (RuntimeException e) {
                served = CompletableFuture.completedFuture(Outcome.error(e));
            }
            // a detached mode completes it later, on its own thread: this one ends now
            served.whenComplete((outcome, error) -> ended(c, outcome != null ? outcome : Outcome.error(error), f));
        };
        if (handler.servesWithoutBlocking(c)) {
            serve.run(); // a hub's selector loop takes it: no thread to start (see ConnectionHandler)
        } else {
            Threads.start("conn-" + c.id(), serve);
        }
        return f;
    }

    private void ended(Connection c, Outcome outcome, CompletableFuture<Outcome> f) {
        c.close();
        // out of the count and the list before the close event: a client that connects after that event is
        // counted without this one, and /clients no longer lists it
        open.remove(c.id());
        openCount.decrementAndGet();
        try {
            events.closed(c, outcome);
        } finally {
            // only after its close event: a listener that waits for its clients to close (awaitAllClosed) must
            // not return, and print its own last line, before that event is out
            f.complete(outcome);
            synchronized (idle) {
                unended--;
                idle.notifyAll();
            }
        }
    }

    private void awaitAllClosed() {
        synchronized (idle) {
            while (unended > 0) {
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
        if (unixFile != null) {
            unixFile.close();
        }
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
