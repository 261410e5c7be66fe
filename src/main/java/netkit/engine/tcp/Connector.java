package netkit.engine.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import netkit.NetkitException;
import netkit.engine.scan.PortProbe;
import netkit.engine.scan.PortState;
import netkit.engine.stream.Resolver;
import netkit.engine.stream.SocketTransport;
import netkit.engine.stream.Target;
import netkit.engine.stream.Transport;
import netkit.engine.stream.TransportLayer;
import netkit.net.AddressFormat;
import netkit.net.Family;
import netkit.output.Durations;

/**
 * Opens every outgoing stream connection ({@code tcp-connect}, a forwarder's upstream, a scan
 * probe through layers): dials the {@link Target} — a host and port (literals never touch DNS; the
 * addresses of the requested family are tried in turn with the connect timeout, like nc; the source
 * address/port bound first when asked) or a Unix socket path — then applies its
 * {@link TransportLayer} (proxy hops, TLS) and runs the handshake, so the returned connection is
 * ready for payload.
 *
 * @param target     where to connect (the first hop when the layer tunnels further)
 * @param family     {@code -4}/{@code -6} restriction
 * @param source     local address to bind, or null
 * @param sourcePort local port to bind, 0 = any
 * @param timeout    connect timeout, null or zero = none
 * @param tuning     keepalive and TCP_NODELAY
 * @param layer      what runs over the dialed socket ({@link TransportLayer#NONE} for plain)
 * @param finalTarget where the whole stream goes (differs from {@code target} behind proxies)
 */
public record Connector(
        Target target,
        Family family,
        String source,
        int sourcePort,
        Duration timeout,
        SocketTuning tuning,
        TransportLayer layer,
        Target finalTarget) {

    /** A plain connection to HOST:PORT. */
    public Connector(
            String host,
            int port,
            Family family,
            String source,
            int sourcePort,
            Duration timeout,
            SocketTuning tuning) {
        this(
                new Target.HostPort(host, port),
                family,
                source,
                sourcePort,
                timeout,
                tuning,
                TransportLayer.NONE,
                new Target.HostPort(host, port));
    }

    /** The same dial with {@code next} applied over what this connector's layer makes. */
    public Connector withLayer(TransportLayer next) {
        return new Connector(target, family, source, sourcePort, timeout, tuning, layer.then(next), finalTarget);
    }

    /** Connects, applies the layer and runs the handshake, or throws the {@link NetkitException} that says why not. */
    public Connection connect(Totals totals) {
        Transport t = open();
        Connection c = new Connection(1, t, totals);
        try {
            c.handshake();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw NetkitException.from(e, "connect to " + finalTarget.text());
        }
        return c;
    }

    /**
     * This connector as a scan probe: aimed at each port in turn (of the final target, behind
     * proxies), open when the connect and every layer's handshake succeeded.
     */
    public PortProbe asProbe() {
        return port -> {
            try (Connection c = atPort(port).connect(null)) {
                return PortState.OPEN;
            } catch (NetkitException e) {
                return switch (e.code()) {
                    case "ECONNREFUSED" -> PortState.CLOSED;
                    case "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH" -> PortState.FILTERED;
                    default -> throw e;
                };
            }
        };
    }

    private Connector atPort(int port) {
        Target end = finalTarget instanceof Target.HostPort hp ? new Target.HostPort(hp.host(), port) : finalTarget;
        Target first = target.equals(finalTarget) ? end : target;
        return new Connector(first, family, source, sourcePort, timeout, tuning, layer, end);
    }

    /** Dials and applies the layer (no handshake yet). */
    public Transport open() {
        SocketChannel ch = switch (target) {
            case Target.HostPort hp -> dialInet(hp);
            case Target.UnixPath u -> dialUnix(u);
        };
        Transport dialed = null;
        try {
            dialed = new SocketTransport(ch);
            return layer.apply(dialed, finalTarget);
        } catch (IOException | RuntimeException e) {
            closeQuietly(dialed == null ? ch : dialed);
            throw NetkitException.from(e, "connect to " + finalTarget.text());
        }
    }

    private static SocketChannel dialUnix(Target.UnixPath u) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(u.path()));
            return ch;
        } catch (IOException e) {
            closeQuietly(ch);
            if (String.valueOf(e.getMessage())
                    .toLowerCase(java.util.Locale.ROOT)
                    .contains("no such file")) {
                throw NetkitException.failure("ENOENT", "connect to " + u.text() + ": no such socket file", e);
            }
            throw NetkitException.from(e, "connect to " + u.text());
        }
    }

    private SocketChannel dialInet(Target.HostPort hp) {
        String host = hp.host();
        int port = hp.port();
        List<InetAddress> candidates = Resolver.all(host, family);
        InetAddress sourceAddress =
                source == null ? null : Resolver.all(source, family).get(0);
        Exception last = null;
        InetSocketAddress lastTarget = null;
        for (InetAddress address : candidates) {
            if (sourceAddress != null && sourceAddress.getClass() != address.getClass()) {
                continue;
            }
            InetSocketAddress to = new InetSocketAddress(address, port);
            lastTarget = to;
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(
                        address instanceof java.net.Inet4Address
                                ? StandardProtocolFamily.INET
                                : StandardProtocolFamily.INET6);
                tuning.apply(ch);
                if (sourceAddress != null || sourcePort != 0) {
                    InetSocketAddress local = sourceAddress == null
                            ? new InetSocketAddress(sourcePort)
                            : new InetSocketAddress(sourceAddress, sourcePort);
                    try {
                        ch.bind(local);
                    } catch (IOException e) {
                        throw NetkitException.from(e, "bind " + AddressFormat.hostPort(local));
                    }
                }
                int ms = timeout == null ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                ch.socket().connect(to, ms);
                return ch;
            } catch (NetkitException e) {
                closeQuietly(ch);
                throw e;
            } catch (IOException e) {
                closeQuietly(ch);
                last = e;
            }
        }
        if (lastTarget == null) {
            throw NetkitException.usage("--source " + source + " and " + host + " are of different address families");
        }
        String context = "connect to " + AddressFormat.hostPort(lastTarget);
        NetkitException e = NetkitException.from(last, context);
        if (e.exitCode() == netkit.ExitCode.TIMEOUT && timeout != null) {
            e = new NetkitException(
                    netkit.ExitCode.TIMEOUT,
                    "ETIMEDOUT",
                    context + ": timed out after " + Durations.text(timeout),
                    last);
        }
        throw e;
    }

    private static void closeQuietly(java.io.Closeable ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the connect failed already
            }
        }
    }
}
