package netkit.engine.udp;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import netkit.net.AddressFormat;

/**
 * One datagram and its peer: for a received datagram the sender (Node's {@code rinfo}
 * {@code {address, family, port, size}}), for a sent one the destination.
 */
public record Datagram(InetSocketAddress peer, byte[] payload) {
    /** The peer's address as text: {@code 127.0.0.1}, {@code ::1}. */
    public String address() {
        return AddressFormat.text(peer.getAddress());
    }

    public int port() {
        return peer.getPort();
    }

    /** {@code "IPv4"} or {@code "IPv6"}, as Node names them. */
    public String family() {
        return peer.getAddress() instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    public int size() {
        return payload.length;
    }
}
