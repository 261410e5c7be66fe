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
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 22, "FFM is final from Java 22");
        try (DatagramSocket receiver =
                new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            receiver.setSoTimeout(30_000);
            LauncherIT.Result r = LauncherIT.netkit(
                    "udp-send", "-vv", "--ttl", "9", "127.0.0.1", String.valueOf(receiver.getLocalPort()), "x");
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

    @Test
    @Timeout(90)
    void ctrlCLeavesTheMulticastGroupAndExits130() throws Exception {
        String group = "239.255.211."
                + java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 255);
        int port;
        try (DatagramSocket s = new DatagramSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(
                        LauncherIT.ROOT.resolve("netkit").toString(),
                        "multicast-join",
                        "-v",
                        "--interface",
                        "lo",
                        group,
                        String.valueOf(port))
                .directory(LauncherIT.ROOT.toFile());
        pb.environment().put("NETKIT_NO_BUILD", "1");
        pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p = pb.start();
        try {
            java.io.BufferedReader err = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            String line;
            do {
                line = err.readLine();
            } while (line != null && !line.contains("joined " + group + " on lo"));
            assertTrue(line != null, "multicast-join never said it joined");
            new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            StringBuilder rest = new StringBuilder();
            while ((line = err.readLine()) != null) {
                rest.append(line).append('\n');
            }
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(130, p.exitValue());
            assertTrue(rest.toString().contains("netkit: left " + group + " on lo"), rest.toString());
        } finally {
            p.destroyForcibly();
        }
    }
}
