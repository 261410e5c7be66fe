package netkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-copy relay as a user gets it: {@code ./netkit tcp-connect} with a regular file or a pipe on
 * stdin and a pipe on stdout (the process's real descriptors 0 and 1), byte-exact through a loopback
 * peer, with {@code -vv} saying how many bytes went by splice/sendfile; {@code -x} and {@code -C} move
 * none that way, and {@code -Dnetkit.zeroCopy=off} forces the buffer path.
 */
@Timeout(120)
class ZeroCopyIT {
    private static final Executor EXEC = r -> Thread.ofPlatform().daemon().start(r);
    private static final Pattern LINE = Pattern.compile(
            "netkit: zero-copy: (\\d+) of (\\d+) bytes sent, (\\d+) of (\\d+) received \\(splice/sendfile\\)");

    @TempDir
    Path dir;

    private record Run(int exit, String err, byte[] sentSha, byte[] stdoutSha, long[] counts) {}

    private static byte[] sha(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }

    /**
     * A peer that reads everything we send (digest), then answers {@code answer} and closes; the client
     * reads {@code up} from a file (or, with {@code pipeIn}, from a pipe the test writes) and writes to a pipe.
     */
    private Run run(byte[] up, byte[] answer, boolean pipeIn, String javaOptions, String... extra) throws Exception {
        Path upFile = Files.write(dir.resolve("up.bin"), up);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> peer = CompletableFuture.supplyAsync(
                    () -> {
                        try (Socket s = server.accept()) {
                            byte[] h = sha(s.getInputStream());
                            s.getOutputStream().write(answer);
                            return h;
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            List<String> cmd =
                    new ArrayList<>(List.of(LauncherIT.ROOT.resolve("netkit").toString(), "tcp-connect", "-vv"));
            cmd.addAll(List.of(extra));
            cmd.addAll(List.of("127.0.0.1", String.valueOf(server.getLocalPort())));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(LauncherIT.ROOT.toFile());
            if (javaOptions != null) {
                pb.environment().put("JDK_JAVA_OPTIONS", javaOptions);
            }
            if (!pipeIn) {
                pb.redirectInput(upFile.toFile());
            }
            Process p = pb.start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(
                    () -> {
                        try (InputStream in = p.getInputStream()) {
                            return sha(in);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            CompletableFuture<String> err = CompletableFuture.supplyAsync(
                    () -> {
                        try (InputStream in = p.getErrorStream()) {
                            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            if (pipeIn) {
                try (var stdin = p.getOutputStream()) {
                    stdin.write(up);
                }
            }
            assertTrue(p.waitFor(90, TimeUnit.SECONDS), "client did not finish");
            String e = err.get(30, TimeUnit.SECONDS);
            Matcher m = LINE.matcher(e);
            assertTrue(m.find(), e);
            long[] counts = {
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)),
                Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4))
            };
            return new Run(p.exitValue(), e, peer.get(30, TimeUnit.SECONDS), out.get(30, TimeUnit.SECONDS), counts);
        }
    }

    private static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aFileOnStdinAndAPipeOnStdoutGoByZeroCopyByteExact() throws Exception {
        byte[] up = random(12 << 20, 1);
        byte[] down = random(5 << 20, 2);
        Run r = run(up, down, false, null);
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(sha(up), r.sentSha());
        assertArrayEquals(sha(down), r.stdoutSha());
        assertArrayEquals(new long[] {up.length, up.length, down.length, down.length}, r.counts(), r.err());
    }

    @Test
    void aPipeOnStdinIsReadIntoBuffersWhileWhatArrivesIsSpliced() throws Exception {
        byte[] up = random(7 << 20, 3);
        byte[] down = random(3 << 20, 4);
        Run r = run(up, down, true, null);
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(sha(up), r.sentSha());
        assertArrayEquals(sha(down), r.stdoutSha());
        assertArrayEquals(new long[] {0, up.length, down.length, down.length}, r.counts(), r.err());
    }

    @Test
    void hexDumpMovesNothingByZeroCopy() throws Exception {
        byte[] up = random(1 << 20, 5);
        byte[] down = random(1 << 20, 6);
        Run r = run(up, down, false, null, "--hexdump=" + dir.resolve("dump.txt"));
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(sha(down), r.stdoutSha());
        assertArrayEquals(new long[] {0, up.length, 0, down.length}, r.counts(), r.err());
    }

    @Test
    void crlfSendsThroughBuffersButStillSplicesWhatArrives() throws Exception {
        byte[] up = "line\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] down = random(1 << 20, 7);
        Run r = run(up, down, false, null, "-C");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(sha("line\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII)), r.sentSha());
        assertArrayEquals(new long[] {0, 6000, down.length, down.length}, r.counts(), r.err());
    }

    @Test
    void forcedOffIsTheBufferPathByteExact() throws Exception {
        byte[] up = random(6 << 20, 8);
        byte[] down = random(2 << 20, 9);
        Run r = run(up, down, false, "-Dnetkit.zeroCopy=off");
        assertEquals(0, r.exit(), r.err());
        assertArrayEquals(sha(up), r.sentSha());
        assertArrayEquals(sha(down), r.stdoutSha());
        assertArrayEquals(new long[] {0, up.length, 0, down.length}, r.counts(), r.err());
    }
}
