package netkit.engine.udp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.channels.DatagramChannel;
import java.util.Collections;
import netkit.NetkitException;
import netkit.net.AddressFormat;
import netkit.net.Family;
import netkit.net.IpLiteral;

/** Host and interface look-ups for the datagram commands. Literals never touch DNS. */
public final class Addresses {
    private Addresses() {}

    /**
     * A literal as it is, or a name through the system resolver (first address of the wanted
     * family; IPv4 first otherwise, as the resolver orders them). {@code only} (from -4/-6) may
     * be {@link Family#ANY}. {@code what} names the argument in messages (HOST, --source, …).
     */
    public static InetAddress resolve(String host, Family only, String what) {
        return resolve(host, only, what, only.option() + " was given");
    }

    /**
     * As {@link #resolve(String, ProtocolFamily, String)}, when the family comes from elsewhere than
     * -4/-6: {@code why} ends the message about a literal of the other family (e.g. "HOST
     * '127.0.0.1' is IPv4"), so it does not blame an option the user never gave.
     */
    public static InetAddress resolve(String host, Family only, String what, String why) {
        int literal = IpLiteral.family(host);
        try {
            if (literal != 0) {
                InetAddress a = literal(host); // a literal: parsed, no look-up
                if (!only.accepts(a)) {
                    throw NetkitException.usage(what + " '" + host + "' is " + (literal == 4 ? "IPv4" : "IPv6")
                            + " but " + why);
                }
                return a;
            }
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (only.accepts(a)) {
                    return a;
                }
            }
            throw new UnknownHostException(host);
        } catch (UnknownHostException e) {
            throw NetkitException.unresolved(host);
        }
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
                    known = String.join(", ", names());
                } catch (SocketException e) {
                    known = "?";
                }
                throw NetkitException.bind("ENODEV", "no such interface: '" + zone + "' in '" + host + "' (known: "
                        + known + ")", null);
            }
        }
        return InetAddress.getByName(host);
    }

    /**
     * An interface by name ({@code lo}, {@code eth0}) or by one of its addresses; exit 6 when
     * there is none.
     */
    public static NetworkInterface networkInterface(String nameOrAddress) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(nameOrAddress);
            if (nif == null && IpLiteral.family(nameOrAddress) != 0) {
                nif = NetworkInterface.getByInetAddress(InetAddress.getByName(nameOrAddress));
            }
            if (nif == null) {
                throw NetkitException.bind("ENODEV", "no such interface: '" + nameOrAddress + "' (known: "
                        + String.join(", ", names()) + ")", null);
            }
            return nif;
        } catch (SocketException | UnknownHostException e) {
            throw NetkitException.bind("ENODEV", "interface '" + nameOrAddress + "': " + e.getMessage(), e);
        }
    }

    private static java.util.List<String> names() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream().map(NetworkInterface::getName).sorted()
                .toList();
    }

    /**
     * The interface the system routes {@code group} through (what the kernel picks for a join
     * without an interface), found by connecting a probe socket: a route look-up, nothing is sent.
     * Exit 6 when there is no route for it.
     */
    public static NetworkInterface systemInterfaceFor(InetAddress group) {
        try (DatagramChannel probe = DatagramChannel.open(DatagramEndpoint.familyOf(group))) {
            probe.connect(new InetSocketAddress(group, 9));
            InetAddress local = ((InetSocketAddress) probe.getLocalAddress()).getAddress();
            NetworkInterface nif = NetworkInterface.getByInetAddress(local);
            if (nif == null) {
                throw new SocketException("no interface has the address " + local.getHostAddress());
            }
            return nif;
        } catch (IOException e) {
            throw NetkitException.bind("ENODEV", "no interface for group " + AddressFormat.text(group)
                    + " (no route: " + e.getMessage() + "); name one with --interface", e);
        }
    }

    /** The IPv4 broadcast address of an interface; exit 6 for one without (loopback, point-to-point). */
    public static InetAddress broadcastOf(NetworkInterface nif) {
        for (InterfaceAddress a : nif.getInterfaceAddresses()) {
            if (a.getBroadcast() != null) {
                return a.getBroadcast();
            }
        }
        throw NetkitException.bind("EADDRNOTAVAIL", "interface '" + nif.getName() + "' has no IPv4 broadcast address"
                + " (loopback and point-to-point links have none); give --address, e.g. 127.255.255.255 on lo", null);
    }
}
