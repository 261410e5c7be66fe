package netkit.engine.stream;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.udp.Addresses;
import netkit.net.Family;
import netkit.net.IpLiteral;

/**
 * The one place names become addresses, for streams and datagrams alike. Literals are parsed and
 * never looked up (an IPv6 zone must name an interface of this host); names go to the system
 * resolver, and only addresses of the requested family are kept.
 */
public final class Resolver {
    private Resolver() {}

    /**
     * Every address of {@code host} in {@code family}, in the resolver's order (a connector tries them
     * in turn). Exit 5 when the name does not resolve or has no address of that family.
     */
    public static List<InetAddress> all(String host, Family family) {
        List<InetAddress> all = new ArrayList<>();
        try {
            if (IpLiteral.family(host) != 0) {
                all.add(literal(host)); // a zone must name an interface: exit 6
            } else {
                all.addAll(List.of(InetAddress.getAllByName(host)));
            }
        } catch (UnknownHostException e) {
            throw NetkitException.unresolved(host);
        }
        List<InetAddress> kept = all.stream().filter(family::accepts).toList();
        if (kept.isEmpty()) {
            throw new NetkitException(
                    ExitCode.UNRESOLVED,
                    "ENOTFOUND",
                    "'" + host + "' has no " + (family == Family.IPV4 ? "IPv4" : "IPv6") + " address",
                    null);
        }
        return kept;
    }

    /**
     * The first address of {@code host} in {@code only} (from -4/-6; may be {@link Family#ANY}).
     * {@code what} names the argument in messages (HOST, --source, …); a literal of the other
     * family is a usage error that names the option that excluded it.
     */
    public static InetAddress first(String host, Family only, String what) {
        return first(host, only, what, only.option() + " was given");
    }

    /**
     * As {@link #first(String, Family, String)}, when the family comes from elsewhere than -4/-6:
     * {@code why} ends the message about a literal of the other family (e.g. "HOST '127.0.0.1' is
     * IPv4"), so it does not blame an option the user never gave.
     */
    public static InetAddress first(String host, Family only, String what, String why) {
        int literal = IpLiteral.family(host);
        if (literal != 0) {
            InetAddress a;
            try {
                a = literal(host); // a literal: parsed, no look-up
            } catch (UnknownHostException e) {
                throw NetkitException.unresolved(host);
            }
            if (!only.accepts(a)) {
                throw NetkitException.usage(
                        what + " '" + host + "' is " + (literal == 4 ? "IPv4" : "IPv6") + " but " + why);
            }
            return a;
        }
        return all(host, only).get(0);
    }

    /**
     * An IP literal (a name goes nowhere near the resolver here). An IPv6 zone must name an
     * interface of this host, by name or index ({@code fe80::1%eth0}, {@code ::1%1}): exit 6
     * {@code no such interface} otherwise — the JDK fails {@code %nonexist} as an unknown host
     * and keeps {@code %999} without looking, and the kernel then ignores it.
     */
    public static InetAddress literal(String host) throws UnknownHostException {
        int pct = host.indexOf('%');
        if (pct >= 0) {
            String zone = host.substring(pct + 1);
            NetworkInterface nif = null;
            try {
                nif = !zone.isEmpty() && zone.chars().allMatch(c -> c >= '0' && c <= '9') && zone.length() < 10
                        ? NetworkInterface.getByIndex(Integer.parseInt(zone))
                        : NetworkInterface.getByName(zone);
            } catch (SocketException | RuntimeException e) {
                nif = null;
            }
            if (nif == null) {
                String known;
                try {
                    known = String.join(", ", Addresses.names());
                } catch (SocketException e) {
                    known = "?";
                }
                throw NetkitException.bind(
                        "ENODEV", "no such interface: '" + zone + "' in '" + host + "' (known: " + known + ")", null);
            }
        }
        return InetAddress.getByName(host);
    }
}
