package netkit.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Plain JDK datagram peers for the tests (never netkit itself on both sides). */
final class UdpTestPeers {
    private UdpTestPeers() {}

    /** A peer bound to {@code address}:0 with a receive timeout, so a lost datagram fails the test instead of hanging it. */
    static java.net.DatagramSocket peer(String address) throws IOException {
        java.net.DatagramSocket s =
                new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
        s.setSoTimeout(10_000);
        return s;
    }

    static void send(java.net.DatagramSocket s, byte[] payload, String host, int port) throws IOException {
        s.send(new java.net.DatagramPacket(
                payload, payload.length, new InetSocketAddress(InetAddress.getByName(host), port)));
    }

    /** Receives one datagram (fails after the socket's timeout). */
    static java.net.DatagramPacket receive(java.net.DatagramSocket s) throws IOException {
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65_536], 65_536);
        s.receive(p);
        return p;
    }

    static byte[] payload(java.net.DatagramPacket p) {
        return java.util.Arrays.copyOfRange(p.getData(), p.getOffset(), p.getOffset() + p.getLength());
    }

    /** Whether a datagram arrives within {@code millis} (used only to prove that one did NOT). */
    static boolean arrivesWithin(java.net.DatagramSocket s, int millis) throws IOException {
        int old = s.getSoTimeout();
        s.setSoTimeout(millis);
        try {
            receive(s);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            s.setSoTimeout(old);
        }
    }

    /** A loopback port that nothing listens on (bound, then released). */
    static int closedPort(String address) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return ((InetSocketAddress) ch.getLocalAddress()).getPort();
        }
    }

    /** A random administratively scoped IPv4 group, 239.255.x.y, so parallel runs do not meet. */
    static String randomGroup() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        return "239.255." + r.nextInt(1, 255) + "." + r.nextInt(1, 255);
    }

    /** A multicast sender pinned to lo with TTL {@code ttl} (0 or 1 only: never off this host). */
    static DatagramChannel multicastSender(String bindAddress, int ttl) throws IOException {
        if (ttl > 1) {
            throw new IllegalArgumentException("tests keep multicast on this host: TTL 0 or 1");
        }
        DatagramChannel ch = DatagramChannel.open(java.net.StandardProtocolFamily.INET);
        ch.setOption(java.net.StandardSocketOptions.IP_MULTICAST_IF, java.net.NetworkInterface.getByName("lo"));
        ch.setOption(java.net.StandardSocketOptions.IP_MULTICAST_TTL, ttl);
        ch.setOption(java.net.StandardSocketOptions.IP_MULTICAST_LOOP, true);
        ch.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
        return ch;
    }

    static void sendTo(DatagramChannel ch, String text, String host, int port) throws IOException {
        ch.send(wrap(text), new InetSocketAddress(InetAddress.getByName(host), port));
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static ByteBuffer wrap(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
