package netkit.engine.proxy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netkit.NetkitException;
import netkit.engine.stream.Resolver;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Connector;
import netkit.engine.tcp.SocketTuning;
import netkit.net.AddressFormat;
import netkit.net.Family;
import netkit.net.IpLiteral;

/**
 * Opens the proxy server's side of a tunnel: resolves the destination (a name on this machine's
 * resolver), keeps the addresses the destination rules allow, and connects to them in turn through a
 * {@link Connector} aimed at the address literal — never at the name again, so what was checked is
 * what is dialed.
 */
final class Upstream {
    private Upstream() {}

    static Connection open(String host, int port, DestinationRules rules, Duration timeout) throws Refusal {
        List<InetAddress> all;
        try {
            all = Resolver.all(host, Family.ANY);
        } catch (NetkitException e) {
            throw new Refusal(Refusal.Kind.NOT_FOUND, "cannot resolve '" + host + "'");
        }
        List<InetAddress> allowed = new ArrayList<>();
        String denied = null;
        for (InetAddress a : all) {
            String why = rules.check(a);
            if (why == null) {
                allowed.add(a);
            } else if (denied == null) {
                denied = AddressFormat.text(a) + " " + why;
            }
        }
        if (allowed.isEmpty()) {
            throw new Refusal(Refusal.Kind.DENIED, denied);
        }
        NetkitException last = null;
        for (InetAddress a : allowed) {
            try {
                return new Connector(AddressFormat.text(a), port, Family.ANY, null, 0, timeout, SocketTuning.NONE)
                        .connect(null);
            } catch (NetkitException e) {
                last = e;
            }
        }
        Refusal.Kind kind = switch (last.code()) {
            case "ECONNREFUSED" -> Refusal.Kind.REFUSED;
            case "ETIMEDOUT" -> Refusal.Kind.TIMEOUT;
            case "EHOSTUNREACH", "ENETUNREACH" -> Refusal.Kind.UNREACHABLE;
            default -> Refusal.Kind.FAILURE;
        };
        throw new Refusal(kind, last.getMessage());
    }

    /** {@code host:port}, IPv6 literals in brackets: how events name a destination. */
    static String text(String host, int port) {
        return (IpLiteral.family(host) == 6 ? "[" + host + "]" : host) + ":" + port;
    }
}
