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
import netkit.net.IpLiteral;

/** Host and interface look-ups for the datagram commands. Literals never touch DNS. */
public final class Addresses {
    private Addresses() {}

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
                throw NetkitException.bind(
                        "ENODEV",
                        "no such interface: '" + nameOrAddress + "' (known: " + String.join(", ", names()) + ")",
                        null);
            }
            return nif;
        } catch (SocketException | UnknownHostException e) {
            throw NetkitException.bind("ENODEV", "interface '" + nameOrAddress + "': " + e.getMessage(), e);
        }
    }

    public static java.util.List<String> names() throws SocketException {
        return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .map(NetworkInterface::getName)
                .sorted()
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
            throw NetkitException.bind(
                    "ENODEV",
                    "no interface for group " + AddressFormat.text(group) + " (no route: " + e.getMessage()
                            + "); name one with --interface",
                    e);
        }
    }

    /** The IPv4 broadcast address of an interface; exit 6 for one without (loopback, point-to-point). */
    public static InetAddress broadcastOf(NetworkInterface nif) {
        for (InterfaceAddress a : nif.getInterfaceAddresses()) {
            if (a.getBroadcast() != null) {
                return a.getBroadcast();
            }
        }
        throw NetkitException.bind(
                "EADDRNOTAVAIL",
                "interface '" + nif.getName() + "' has no IPv4 broadcast address"
                        + " (loopback and point-to-point links have none); give --address, e.g. 127.255.255.255 on lo",
                null);
    }
}
