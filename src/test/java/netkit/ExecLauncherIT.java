package netkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@code tcp-listen -k -e} as a real process: a low {@code ulimit -n}, and netkit's own exit. */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class ExecLauncherIT {
    private static int port(BufferedReader err) throws IOException {
        String line;
        while ((line = err.readLine()) != null) {
            Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)$").matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("no listening line");
    }

    private static String echo(int port, String text) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readNBytes(text.length() + 1), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aBurstUnderALowDescriptorLimitIsTurnedAwayWithOneLineAndDescriptorZeroStays() throws Exception {
        Process p = new ProcessBuilder(
                        "bash",
                        "-c",
                        "ulimit -n 128 && exec \"$0\" tcp-listen -v -k -m 1000 -e cat 127.0.0.1 0",
                        LauncherIT.ROOT.resolve("netkit").toString())
                .directory(LauncherIT.ROOT.toFile())
                .start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            int port = port(err);
            List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    err.lines().forEach(all::add);
                } catch (java.io.UncheckedIOException closed) {
                    // the process ended
                }
            });
            String fd0 = Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/fd/0"))
                    .toString();
            List<Socket> burst = new ArrayList<>();
            for (int i = 0; i < 150; i++) { // 4 descriptors each: far beyond 128
                try {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                    s.getOutputStream().write("x\n".getBytes(StandardCharsets.UTF_8));
                    burst.add(s);
                } catch (IOException refused) {
                    // the backlog is full: fine
                }
            }
            for (Socket s : burst) {
                s.close();
            }
            String again = null;
            for (int i = 0; i < 100 && again == null; i++) { // the burst's children end first
                try {
                    again = echo(port, "again");
                } catch (IOException e) {
                    Thread.sleep(100);
                }
            }
            assertEquals("again\n", again);
            assertEquals(
                    fd0,
                    Files.readSymbolicLink(Path.of("/proc/" + p.pid() + "/fd/0"))
                            .toString());
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            reader.join(10_000);
            List<String> lines = List.copyOf(all).stream()
                    .filter(l -> !l.contains("connection from") && !l.contains("closed") && !l.contains("rejected"))
                    .toList();
            assertTrue(
                    lines.stream().noneMatch(l -> l.contains("Possible reasons") || l.contains("Spawn helper")),
                    String.join("\n", lines));
            assertTrue(
                    lines.stream()
                                    .filter(l -> l.contains("too many open files"))
                                    .count()
                            <= 2,
                    String.join("\n", lines)); // one line for the accepts, one for the children
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void netkitsExitEndsItsChildrenAndTheirGroups() throws Exception {
        String marker = "73.5";
        Process p = new ProcessBuilder(
                        LauncherIT.ROOT.resolve("netkit").toString(),
                        "tcp-listen",
                        "-v",
                        "-k",
                        "--sh-exec",
                        "sleep " + marker + "; cat",
                        "127.0.0.1",
                        "0")
                .directory(LauncherIT.ROOT.toFile())
                .start();
        try (Socket c = new Socket(
                InetAddress.getLoopbackAddress(),
                port(new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!sleeping(marker) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(sleeping(marker), "the child's sleep did not start");
            p.destroy(); // SIGTERM to netkit: its shutdown ends the children's groups
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sleeping(marker) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(!sleeping(marker), "a grandchild outlived netkit");
        } finally {
            p.destroyForcibly();
        }
    }

    private static boolean sleeping(String marker) {
        return ProcessHandle.allProcesses()
                .anyMatch(h -> h.info()
                        .arguments()
                        .map(a -> a.length > 0 && a[a.length - 1].equals(marker))
                        .orElse(false));
    }
}
