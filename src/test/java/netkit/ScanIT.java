package netkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import netkit.LauncherIT.Result;
import netkit.engine.scan.QuietPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tcp-connect -z} through the real launcher: output, exit codes, and the loopback fast path. */
class ScanIT {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(90)
    void aSingleOpenPortIsSilentAndExitsZeroLikeNcZ() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK)) {
            assertEquals(
                    new Result(0, "", ""),
                    LauncherIT.netkit("tcp-connect", "-z", "127.0.0.1", String.valueOf(open.getLocalPort())));
            assertEquals(
                    new Result(1, "", ""),
                    LauncherIT.netkit("tcp-connect", "-z", "127.0.0.1", String.valueOf(closedPort())));
        }
    }

    @Test
    @Timeout(90)
    void aListPrintsTheOpenPortsOnStdout() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK)) {
            int closed = closedPort();
            Result r = LauncherIT.netkit("tcp-connect", "--scan", "127.0.0.1", closed + "," + open.getLocalPort());
            assertEquals(new Result(0, "127.0.0.1 " + open.getLocalPort() + " open\n", ""), r);
        }
    }

    @Test
    @Timeout(90)
    void aBackwardsRangeIsAUsageErrorNamingPort() throws Exception {
        Result r = LauncherIT.netkit("tcp-connect", "-z", "127.0.0.1", "5-1");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(
                List.of("netkit: invalid value for PORT: '5-1' (range runs backwards: 5-1; expected ports "
                        + "1-65535, a list and/or ranges such as 22,80,8000-8100)"),
                r.errLines());
    }

    @Test
    @Timeout(120)
    void aBigLoopbackSweepFindsItsOwnListenerAndPrintsNoWarning() throws Exception {
        int lo = QuietPorts.window(8192);
        try (ServerSocket open = new ServerSocket()) {
            open.bind(new InetSocketAddress(LOOPBACK, lo + 4321), 50);
            Result r = LauncherIT.netkit("tcp-connect", "-z", "127.0.0.1", lo + "-" + (lo + 8191));
            // stderr stays empty: no JDK warning about native access from the fast probe
            assertEquals(new Result(0, "127.0.0.1 " + (lo + 4321) + " open\n", ""), r);
        }
    }

    @Test
    @Timeout(90)
    void jsonGivesOneRecordPerPort() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK)) {
            int p = open.getLocalPort();
            int closed = closedPort();
            Result r = LauncherIT.netkit("tcp-connect", "-z", "--json", "127.0.0.1", p + "," + closed);
            assertEquals(0, r.exit());
            List<String> lines = r.out().lines().toList();
            assertEquals(2, lines.size(), r.out());
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.startsWith("{\"event\":\"port\",\"host\":\"127.0.0.1\",\"port\":" + p
                                    + ",\"state\":\"open\",\"ms\":")),
                    r.out());
            assertTrue(
                    lines.stream()
                            .anyMatch(l -> l.startsWith("{\"event\":\"port\",\"host\":\"127.0.0.1\",\"port\":" + closed
                                    + ",\"state\":\"closed\",\"ms\":")),
                    r.out());
        }
    }
}
