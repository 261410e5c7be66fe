package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import netkit.ExitCode;
import netkit.engine.scan.FullBacklogListener;
import netkit.output.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScanRunnerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ExitCode scan(String ports, boolean json, int verbosity) throws InterruptedException {
        Output output =
                new Output(new PrintStream(err, true, StandardCharsets.UTF_8), out, json, verbosity, false, false);
        return ScanRunner.run(
                new ScanRequest(
                        "127.0.0.1",
                        LOOPBACK,
                        PortList.parse("PORT", ports),
                        Duration.ofMillis(300),
                        ScanRunner.DEFAULT_CONCURRENCY),
                output);
    }

    private List<String> stdout() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private List<String> stderr() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    void printsOnlyOpenPortsOnStdoutInPortOrderAndExitsZero() throws Exception {
        try (ServerSocket a = new ServerSocket(0, 50, LOOPBACK);
                ServerSocket b = new ServerSocket(0, 50, LOOPBACK)) {
            int closed = closedPort();
            int lo = Math.min(a.getLocalPort(), b.getLocalPort());
            int hi = Math.max(a.getLocalPort(), b.getLocalPort());

            ExitCode code = scan(hi + "," + closed + "," + lo, false, 0);

            assertEquals(ExitCode.OK, code);
            assertEquals(List.of("127.0.0.1 " + lo + " open", "127.0.0.1 " + hi + " open"), stdout());
            assertEquals(List.of(), stderr());
        }
    }

    @Test
    void noOpenPortMeansExitOneAndNothingPrinted() throws Exception {
        int c1 = closedPort();
        int c2 = closedPort();

        ExitCode code = scan(c1 + "," + c2, false, 0);

        assertEquals(ExitCode.FAILURE, code);
        assertEquals(List.of(), stdout());
        assertEquals(List.of(), stderr());
    }

    @Test
    void verboseAddsClosedAndFilteredLinesAndASummaryOnStderr() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK);
                FullBacklogListener filtered = new FullBacklogListener()) {
            int closed = closedPort();

            ExitCode code = scan(open.getLocalPort() + "," + closed + "," + filtered.port(), false, 1);

            assertEquals(ExitCode.OK, code);
            assertEquals(List.of("127.0.0.1 " + open.getLocalPort() + " open"), stdout());
            List<String> e = stderr();
            assertTrue(e.contains("netkit: 127.0.0.1 " + closed + " closed"), e.toString());
            assertTrue(e.contains("netkit: 127.0.0.1 " + filtered.port() + " filtered"), e.toString());
            assertTrue(
                    e.get(e.size() - 1)
                            .matches(
                                    "netkit: scanned 3 ports of 127\\.0\\.0\\.1 in [0-9.]+ s: 1 open, 1 closed, 1 filtered"),
                    e.toString());
        }
    }

    @Test
    void jsonWritesOneRecordPerPortInPortOrder() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK);
                FullBacklogListener filtered = new FullBacklogListener()) {
            int closed = closedPort();
            int[] sorted = java.util.stream.IntStream.of(open.getLocalPort(), closed, filtered.port())
                    .sorted()
                    .toArray();

            ExitCode code = scan(filtered.port() + "," + closed + "," + open.getLocalPort(), true, 0);

            assertEquals(ExitCode.OK, code);
            List<String> records = stdout();
            assertEquals(3, records.size(), records.toString());
            for (int i = 0; i < 3; i++) {
                int port = sorted[i];
                String state = port == open.getLocalPort() ? "open" : port == closed ? "closed" : "filtered";
                assertTrue(
                        records.get(i)
                                .matches("\\{\"event\":\"port\",\"host\":\"127\\.0\\.0\\.1\",\"port\":" + port
                                        + ",\"state\":\"" + state + "\",\"ms\":[0-9.E-]+}"),
                        records.get(i));
            }
            assertTrue(
                    stderr().get(0)
                            .startsWith("{\"event\":\"scan\",\"host\":\"127.0.0.1\",\"address\":\"127.0.0.1\","
                                    + "\"ports\":3,\"open\":1,\"closed\":1,\"filtered\":1,\"ms\":"),
                    stderr().toString());
        }
    }

    @Test
    void aSinglePortIsSilentLikeNcAndTheExitCodeTells() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK)) {
            assertEquals(ExitCode.OK, scan(String.valueOf(open.getLocalPort()), false, 0));
            assertEquals(ExitCode.FAILURE, scan(String.valueOf(closedPort()), false, 0));
            assertEquals(List.of(), stdout());
            assertEquals(List.of(), stderr());
        }
    }

    @Test
    void aSinglePortWithVerbosePrintsItsLineOnStderrOnly() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK)) {
            assertEquals(ExitCode.OK, scan(String.valueOf(open.getLocalPort()), false, 1));
            assertEquals(List.of(), stdout());
            assertEquals(List.of("netkit: 127.0.0.1 " + open.getLocalPort() + " open"), stderr());
        }
    }

    @Test
    void aSinglePortWithJsonStillWritesItsRecord() throws Exception {
        int closed = closedPort();
        assertEquals(ExitCode.FAILURE, scan(String.valueOf(closed), true, 0));
        assertEquals(1, stdout().size());
        assertTrue(
                stdout().get(0)
                        .startsWith("{\"event\":\"port\",\"host\":\"127.0.0.1\",\"port\":" + closed
                                + ",\"state\":\"closed\",\"ms\":"),
                stdout().toString());
        assertEquals(List.of(), stderr());
    }
}
