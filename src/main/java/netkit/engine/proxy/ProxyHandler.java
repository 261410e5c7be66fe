package netkit.engine.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import netkit.NetkitException;
import netkit.engine.stream.Endpoint;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.ConnectionHandler;
import netkit.engine.tcp.Listener;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.Splice;
import netkit.engine.tcp.TrafficTap;
import netkit.net.AddressFormat;

/**
 * {@code tcp-listen --proxy}: a forward proxy as a server mode. Each client's first byte says what it
 * speaks — 5 SOCKS5, 4 SOCKS4/4a, a letter HTTP (CONNECT or an absolute-form request) — then its
 * request is read within {@link RequestReader#MAX} bytes and the handshake timeout, the destination
 * is checked after it resolved ({@link Upstream}), refused in the protocol's own words or connected,
 * and the tunnel runs as a {@link Splice}. The listener's access rules, limits and events apply as in
 * every mode; {@link #destination} gives the close event its destination.
 */
public final class ProxyHandler implements ConnectionHandler {
    private final ProxyServerOptions options;
    private final Map<Long, String> destinations = new ConcurrentHashMap<>();
    private volatile Listener listener;

    public ProxyHandler(ProxyServerOptions options) {
        this.options = options;
    }

    @Override
    public void open(Listener l) {
        this.listener = l;
    }

    /** The destination connection {@code id} asked for (host:port as requested), once; null if none. */
    public String destination(long id) {
        return destinations.remove(id);
    }

    @Override
    public Outcome serve(Connection client) {
        CountDownLatch handshaking = new CountDownLatch(1);
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread.ofVirtual().name("proxy-handshake-" + client.id()).start(() -> {
            try {
                if (!handshaking.await(options.handshakeTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                    timedOut.set(true);
                    client.close();
                }
            } catch (InterruptedException ignored) {
                // the handshake ended
            }
        });
        RequestReader in = new RequestReader(client);
        Tunnel tunnel;
        try {
            int first = in.u8();
            tunnel = switch (first) {
                case 5 -> socks5(client, in);
                case 4 -> socks4(client, in);
                default -> {
                    if (first >= 'A' && first <= 'Z') {
                        yield new HttpProxy(this, client, in, first).open();
                    }
                    yield Tunnel.failed(
                            "not a SOCKS or HTTP proxy request (first byte 0x" + Integer.toHexString(first) + ")");
                }
            };
        } catch (RequestReader.TooLarge e) {
            tunnel = Tunnel.failed("request larger than " + RequestReader.MAX + " bytes");
        } catch (EOFException e) {
            tunnel = Tunnel.failed("client closed before its request was complete");
        } catch (IOException | RuntimeException e) {
            tunnel = Tunnel.failed(
                    timedOut.get()
                            ? "no complete request within " + netkit.output.Durations.text(options.handshakeTimeout())
                            : String.valueOf(e.getMessage()));
        } finally {
            handshaking.countDown();
        }
        if (tunnel.upstream() == null) {
            String why = timedOut.get()
                    ? "no complete request within " + netkit.output.Durations.text(options.handshakeTimeout())
                    : tunnel.error();
            return why == null
                    ? Outcome.CLOSED
                    : Outcome.error(new NetkitException(
                            netkit.ExitCode.PROXY, timedOut.get() ? "ETIMEDOUT" : tunnel.code(), why, null));
        }
        // a few tunnels are bulk transfers: large buffers on platform threads, as the forwarder does;
        // thousands stay on virtual threads with modest buffers
        Listener l = listener;
        boolean few = l == null || l.connectionCount() <= Splice.BULK_CONNECTIONS;
        return new Splice(
                        client,
                        tunnel.upstream(),
                        TrafficTap.NONE,
                        options.idleTimeout(),
                        few ? Splice.BULK_BUFFER : Splice.SHARED_BUFFER)
                .run(tunnel.first(), few);
    }

    /** The result of a handshake: an open upstream and the client's early bytes, or why not. */
    record Tunnel(Connection upstream, ByteBuffer first, String error, String code) {
        /** The client's request was not one we serve: code EPROXY. */
        static Tunnel failed(String error) {
            return new Tunnel(null, null, error, ProxyErrors.CODE);
        }

        /** The destination was denied or could not be reached. */
        static Tunnel refused(Refusal r) {
            return new Tunnel(null, null, r.getMessage(), r.kind.code);
        }

        static Tunnel open(Connection upstream, ByteBuffer first) {
            return new Tunnel(upstream, first, null, null);
        }
    }

    /** Resolves, checks and connects; records the destination for the close event either way. */
    Connection connect(Connection client, String host, int port) throws Refusal {
        destinations.put(client.id(), Upstream.text(host, port));
        return Upstream.open(host, port, options.destinations(), options.handshakeTimeout());
    }

    ProxyServerOptions options() {
        return options;
    }

    // ---- SOCKS5 (RFC 1928, RFC 1929)

    private Tunnel socks5(Connection client, RequestReader in) throws IOException {
        int n = in.u8();
        byte[] methods = in.bytes(n);
        int want = options.authenticates() ? 2 : 0;
        boolean offered = false;
        for (byte m : methods) {
            offered |= (m & 0xff) == want;
        }
        if (!offered) {
            client.send(new byte[] {5, (byte) 0xff});
            return Tunnel.failed(
                    options.authenticates()
                            ? "SOCKS5 client offered no username/password authentication"
                            : "SOCKS5 client offered no method without authentication");
        }
        client.send(new byte[] {5, (byte) want});
        if (want == 2) {
            in.u8(); // subnegotiation version 1
            String user = new String(in.bytes(in.u8()), StandardCharsets.UTF_8);
            String pass = new String(in.bytes(in.u8()), StandardCharsets.UTF_8);
            if (!options.accepts(user, pass)) {
                client.send(new byte[] {1, 1});
                return Tunnel.failed("SOCKS5 authentication failed for user '" + ProxyClient.printable(user) + "'");
            }
            client.send(new byte[] {1, 0});
        }
        if (in.u8() != 5) {
            return Tunnel.failed("SOCKS5 request with a bad version");
        }
        int cmd = in.u8();
        in.u8();
        int atyp = in.u8();
        String host = switch (atyp) {
            case 1 -> AddressFormat.text(InetAddress.getByAddress(in.bytes(4)));
            case 4 -> AddressFormat.text(InetAddress.getByAddress(in.bytes(16)));
            case 3 -> new String(in.bytes(in.u8()), StandardCharsets.UTF_8);
            default -> null;
        };
        if (host == null) {
            socks5Reply(client, 8, null); // address type not supported
            return Tunnel.failed("SOCKS5 address type " + atyp + " is not supported");
        }
        int port = in.u16();
        if (cmd != 1) {
            socks5Reply(client, 7, null); // command not supported
            destinations.put(client.id(), Upstream.text(host, port));
            return Tunnel.failed("SOCKS5 command " + cmd + " is not supported (CONNECT only)");
        }
        try {
            Connection up = connect(client, host, port);
            socks5Reply(client, 0, up.local());
            return Tunnel.open(up, in.leftover());
        } catch (Refusal r) {
            socks5Reply(client, r.kind.socks5, null);
            return Tunnel.refused(r);
        }
    }

    private static void socks5Reply(Connection client, int rep, Endpoint bound) throws IOException {
        InetAddress a = bound == null ? null : bound.inetAddress();
        byte[] addr = a == null ? new byte[4] : a.getAddress();
        ByteBuffer b = ByteBuffer.allocate(6 + addr.length);
        b.put((byte) 5)
                .put((byte) rep)
                .put((byte) 0)
                .put((byte) (addr.length == 4 ? 1 : 4))
                .put(addr)
                .putShort((short) (bound == null ? 0 : bound.port()))
                .flip();
        client.write(b);
    }

    // ---- SOCKS4 and 4a

    private Tunnel socks4(Connection client, RequestReader in) throws IOException {
        int cmd = in.u8();
        int port = in.u16();
        byte[] ip = in.bytes(4);
        String user = in.cstring(255);
        boolean v4a = ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0;
        String host = v4a ? in.cstring(255) : AddressFormat.text(InetAddress.getByAddress(ip));
        destinations.put(client.id(), Upstream.text(host, port));
        if (cmd != 1) {
            socks4Reply(client, 91, null);
            return Tunnel.failed("SOCKS4 command " + cmd + " is not supported (CONNECT only)");
        }
        if (options.authenticates()) {
            socks4Reply(client, 91, null);
            return Tunnel.failed(
                    "SOCKS4 has no passwords and --proxy-auth is set (user '" + ProxyClient.printable(user) + "')");
        }
        try {
            Connection up = connect(client, host, port);
            socks4Reply(client, 90, up.local());
            return Tunnel.open(up, in.leftover());
        } catch (Refusal r) {
            socks4Reply(client, 91, null);
            return Tunnel.refused(r);
        }
    }

    private static void socks4Reply(Connection client, int cd, Endpoint bound) throws IOException {
        InetAddress a = bound == null ? null : bound.inetAddress();
        byte[] addr = a instanceof Inet4Address ? a.getAddress() : new byte[4];
        ByteBuffer b = ByteBuffer.allocate(8);
        b.put((byte) 0)
                .put((byte) cd)
                .putShort((short) (bound == null ? 0 : bound.port()))
                .put(addr)
                .flip();
        client.write(b);
    }
}
