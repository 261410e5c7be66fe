package netkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * tcp-connect and tcp-listen as real processes through ./netkit: the FileChannel stdin/stdout path
 * and the platform-thread pumps that in-process tests (stream stdio) do not take.
 */
@Timeout(120)
class TcpLauncherIT {
    @TempDir
    Path dir;

    private static String sha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test
    void fileThroughConnectAndListenProcessesArrivesByteExactBothWays() throws Exception {
        byte[] up = new byte[24 << 20];
        byte[] down = new byte[5 << 20];
        new Random(21).nextBytes(up);
        new Random(22).nextBytes(down);
        Path upFile = Files.write(dir.resolve("up.bin"), up);
        Path downFile = Files.write(dir.resolve("down.bin"), down);
        Path gotUp = dir.resolve("got-up.bin");
        Path gotDown = dir.resolve("got-down.bin");
        Path root = LauncherIT.ROOT;

        Process listener = new ProcessBuilder(root.resolve("netkit").toString(), "tcp-listen", "-v", "127.0.0.1", "0")
                .directory(root.toFile())
                .redirectInput(downFile.toFile())
                .redirectOutput(gotUp.toFile())
                .start();
        try {
            BufferedReader err =
                    new BufferedReader(new InputStreamReader(listener.getErrorStream(), StandardCharsets.UTF_8));
            String line = err.readLine();
            Matcher m = Pattern.compile("^netkit: listening on 127\\.0\\.0\\.1:(\\d+)$")
                    .matcher(line == null ? "" : line);
            assertTrue(m.matches(), "first stderr line: " + line);
            Process client = new ProcessBuilder(
                            root.resolve("netkit").toString(), "tcp-connect", "-v", "127.0.0.1", m.group(1))
                    .directory(root.toFile())
                    .redirectInput(upFile.toFile())
                    .redirectOutput(gotDown.toFile())
                    .redirectError(ProcessBuilder.Redirect.PIPE)
                    .start();
            assertTrue(client.waitFor(90, TimeUnit.SECONDS), "client did not finish");
            String clientErr = new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, client.exitValue(), clientErr);
            assertTrue(
                    clientErr.matches("netkit: connected to 127\\.0\\.0\\.1:\\d+\nnetkit: closed: " + up.length
                            + " bytes sent, " + down.length + " bytes received in [0-9.]+ s\n"),
                    clientErr);
            assertTrue(listener.waitFor(30, TimeUnit.SECONDS), "listener did not finish");
            assertEquals(0, listener.exitValue());
            assertEquals(sha256(upFile), sha256(gotUp));
            assertEquals(sha256(downFile), sha256(gotDown));
        } finally {
            listener.destroyForcibly();
        }
    }

    @Test
    void refusedConnectExitsThreeWithOneLine() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        LauncherIT.Result r =
                LauncherIT.netkit(java.util.Map.of(), "", "tcp-connect", "127.0.0.1", String.valueOf(port));
        assertEquals(3, r.exit());
        assertEquals("netkit: connect to 127.0.0.1:" + port + ": connection refused\n", r.err());
    }
}
