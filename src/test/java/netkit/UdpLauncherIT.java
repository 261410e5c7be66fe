package netkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The datagram commands through the real launcher and packaged jar (its manifest carries the JVM flags). */
class UdpLauncherIT {
    @Test
    @Timeout(90)
    void ttlIsSetThroughFfmInThePackagedJar() throws Exception {
        try (DatagramSocket receiver = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            receiver.setSoTimeout(30_000);
            LauncherIT.Result r = LauncherIT.netkit("udp-send", "-vv", "--ttl", "9", "127.0.0.1",
                    String.valueOf(receiver.getLocalPort()), "x");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.err().contains("netkit: TTL 9 (read back with getsockopt)"), r.err());
            DatagramPacket p = new DatagramPacket(new byte[16], 16);
            receiver.receive(p);
            assertEquals("x", new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    @Timeout(90)
    void aRefusedPortIsExit3WithOneLine() throws Exception {
        int closed;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            closed = s.getLocalPort();
        }
        LauncherIT.Result r = LauncherIT.netkit("udp-send", "-r5s", "127.0.0.1", String.valueOf(closed), "hello?");
        assertEquals(3, r.exit());
        assertEquals(List.of("netkit: receive from 127.0.0.1:" + closed + ": connection refused"), r.errLines());
    }
}
