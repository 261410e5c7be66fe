package netkit.engine.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netkit.NetkitException;
import netkit.net.AddressFormat;
import netkit.net.IpLiteral;

/**
 * Opens the client connection of {@code tcp-connect}: resolves HOST (literals never touch DNS),
 * keeps the addresses of the requested family, binds the source address/port when asked, and
 * tries each address in turn with the connect timeout, like nc.
 *
 * @param host       name or IP literal
 * @param port       1-65535
 * @param family     {@code -4}/{@code -6} restriction
 * @param source     local address to bind, or null
 * @param sourcePort local port to bind, 0 = any
 * @param timeout    connect timeout, null or zero = none
 * @param tuning     keepalive and TCP_NODELAY
 */
public record Connector(String host, int port, Family family, String source, int sourcePort, Duration timeout,
        SocketTuning tuning) {

    /** Connects, or throws the {@link NetkitException} of the last address tried. */
    public Connection connect(Totals totals) {
        List<InetAddress> candidates = resolve(host, family);
        InetAddress sourceAddress = source == null ? null : resolve(source, family).get(0);
        Exception last = null;
        InetSocketAddress lastTarget = null;
        for (InetAddress address : candidates) {
            if (sourceAddress != null && sourceAddress.getClass() != address.getClass()) {
                continue;
            }
            InetSocketAddress target = new InetSocketAddress(address, port);
            lastTarget = target;
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(address instanceof java.net.Inet4Address
                        ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
                tuning.apply(ch);
                if (sourceAddress != null || sourcePort != 0) {
                    InetSocketAddress local = sourceAddress == null
                            ? new InetSocketAddress(sourcePort) : new InetSocketAddress(sourceAddress, sourcePort);
                    try {
                        ch.bind(local);
                    } catch (IOException e) {
                        throw NetkitException.from(e, "bind " + AddressFormat.hostPort(local));
                    }
                }
                int ms = timeout == null ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                ch.socket().connect(target, ms);
                return new Connection(1, ch, totals);
            } catch (NetkitException e) {
                close(ch);
                throw e;
            } catch (IOException e) {
                close(ch);
                last = e;
            }
        }
        if (lastTarget == null) {
            throw NetkitException.usage("--source " + source + " and " + host + " are of different address families");
        }
        String context = "connect to " + AddressFormat.hostPort(lastTarget);
        NetkitException e = NetkitException.from(last, context);
        if (e.exitCode() == netkit.ExitCode.TIMEOUT && timeout != null) {
            e = new NetkitException(netkit.ExitCode.TIMEOUT, "ETIMEDOUT",
                    context + ": timed out after " + Durations.text(timeout), last);
        }
        throw e;
    }

    /** The addresses of {@code host} in the requested family; literals are parsed, never looked up. */
    public static List<InetAddress> resolve(String host, Family family) {
        List<InetAddress> all = new ArrayList<>();
        try {
            if (IpLiteral.family(host) != 0) {
                all.add(netkit.engine.udp.Addresses.literal(host)); // a zone must name an interface: exit 6
            } else {
                all.addAll(List.of(InetAddress.getAllByName(host)));
            }
        } catch (UnknownHostException e) {
            throw NetkitException.unresolved(host);
        }
        List<InetAddress> kept = all.stream().filter(family::accepts).toList();
        if (kept.isEmpty()) {
            throw new NetkitException(netkit.ExitCode.UNRESOLVED, "ENOTFOUND",
                    "'" + host + "' has no " + (family == Family.IPV4 ? "IPv4" : "IPv6") + " address", null);
        }
        return kept;
    }

    private static void close(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the connect failed already
            }
        }
    }
}
