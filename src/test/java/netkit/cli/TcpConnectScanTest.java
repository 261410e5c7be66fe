package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import netkit.Stdio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tcp-connect -z} and {@code --concurrency} as the command line wires them to the scanner. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TcpConnectScanTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        Stdio stdio = Stdio.of(
                new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8));
        return Netkit.commandLine(stdio).execute(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    void scanWithAListPrintsOpenPortsAndExitsZero() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK)) {
            int code = run(
                    "tcp-connect",
                    "-z",
                    "--concurrency",
                    "2",
                    "-w",
                    "1s",
                    "127.0.0.1",
                    closedPort() + "," + open.getLocalPort());
            assertEquals(0, code, stderr());
            assertEquals("127.0.0.1 " + open.getLocalPort() + " open\n", stdout());
            assertEquals("", stderr());
        }
    }

    @Test
    void scanWithNothingOpenExitsOne() throws Exception {
        assertEquals(1, run("tcp-connect", "--scan", "127.0.0.1", String.valueOf(closedPort())));
        assertEquals("", stdout());
        assertEquals("", stderr());
    }

    @Test
    void concurrencyWithoutScanIsAUsageError() {
        assertEquals(2, run("tcp-connect", "--concurrency", "5", "127.0.0.1", "9"));
        assertEquals("netkit: --concurrency needs -z/--scan\n", stderr());
    }

    @Test
    void zeroConcurrencyIsAUsageErrorQuotingTheValue() {
        assertEquals(2, run("tcp-connect", "-z", "--concurrency", "0", "127.0.0.1", "9"));
        assertEquals("netkit: invalid value for --concurrency: '0' (expected a whole number from 1)\n", stderr());
    }

    @Test
    void sessionOptionsThatMeanNothingInAScanAreUsageErrors() {
        assertEquals(2, run("tcp-connect", "-z", "-o", "/dev/null", "127.0.0.1", "9"));
        assertEquals("netkit: -o/--output cannot be combined with -z/--scan\n", stderr());
        err.reset();
        assertEquals(2, run("tcp-connect", "-z", "-i", "1s", "127.0.0.1", "9"));
        assertEquals("netkit: -i/--idle-timeout cannot be combined with -z/--scan\n", stderr());
    }

    @Test
    void aSourceAddressCannotBeCombinedWithScan() {
        assertEquals(2, run("tcp-connect", "-z", "-s", "127.0.0.1", "127.0.0.1", "9"));
        assertEquals("netkit: -s/--source and -p/--source-port cannot be combined with -z/--scan\n", stderr());
    }

    @Test
    void aBadPortListNamesPortAndQuotesIt() {
        assertEquals(2, run("tcp-connect", "-z", "127.0.0.1", "22,a-b"));
        assertEquals("netkit: invalid value for PORT: '22,a-b' (not a port: a; " + PortList.EXPECTED + ")\n", stderr());
    }
}
