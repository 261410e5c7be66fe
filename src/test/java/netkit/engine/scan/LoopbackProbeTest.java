package netkit.engine.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoopbackProbeTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    void isAvailableOnLinuxWithJava22AndNativeAccess() {
        boolean linux = System.getProperty("os.name").equalsIgnoreCase("linux");
        assumeTrue(linux && Runtime.version().feature() >= 22, "only expected on Linux with Java 22+");
        assertEquals(true, LoopbackProbe.available(), "the test JVM runs with --enable-native-access");
    }

    @Test
    void isChosenOnlyForBigScansOfALoopbackAddressUnlessOverridden() throws Exception {
        InetAddress remote = InetAddress.getByName("192.0.2.1"); // a literal: nothing is looked up or sent
        int big = PortScanner.LOOPBACK_FAST_PATH_MIN_PORTS;
        boolean available = LoopbackProbe.available();

        assertEquals(false, PortScanner.useLoopbackProbe(remote, 65535));
        assertEquals(false, PortScanner.useLoopbackProbe(LOOPBACK, big - 1));
        assertEquals(available, PortScanner.useLoopbackProbe(LOOPBACK, big));
        String before = System.getProperty("netkit.scan.loopbackProbe");
        try {
            System.setProperty("netkit.scan.loopbackProbe", "false");
            assertEquals(false, PortScanner.useLoopbackProbe(LOOPBACK, 65535));
            System.setProperty("netkit.scan.loopbackProbe", "always");
            assertEquals(available, PortScanner.useLoopbackProbe(LOOPBACK, 1));
            assertEquals(false, PortScanner.useLoopbackProbe(remote, 1));
        } finally {
            if (before == null) {
                System.clearProperty("netkit.scan.loopbackProbe");
            } else {
                System.setProperty("netkit.scan.loopbackProbe", before);
            }
        }
    }

    @Test
    void oneSocketServesRefusedPortsAndAnOpenPortInBetween() throws Exception {
        assumeTrue(LoopbackProbe.available());
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK);
                LoopbackProbe probe = new LoopbackProbe(LOOPBACK)) {
            int closed = closedPort();
            for (int i = 0; i < 50; i++) {
                assertEquals(PortState.CLOSED, probe.probe(closed), "refused probe " + i);
            }
            assertEquals(PortState.OPEN, probe.probe(open.getLocalPort()));
            try (Socket accepted = open.accept()) {
                assertEquals(open.getLocalPort(), accepted.getLocalPort(), "the probe made a real connection");
            }
            assertEquals(PortState.CLOSED, probe.probe(closed), "a new socket after the open port");
        }
    }

    @Test
    void aDroppedSynIsLeftUndecidedForTheTimedProbe() throws Exception {
        assumeTrue(LoopbackProbe.available());
        try (FullBacklogListener filtered = new FullBacklogListener();
                LoopbackProbe probe = new LoopbackProbe(LOOPBACK)) {
            assertNull(probe.probe(filtered.port()));
            assertEquals(PortState.CLOSED, probe.probe(closedPort()), "the probe goes on after an undecided port");
        }
    }
}
