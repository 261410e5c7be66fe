package netkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start-up archive: recorded in the background on the first run, used afterwards, and
 * harmless — same output, nothing printed — when it is missing, truncated or made by another JDK.
 */
class LauncherAotIT {
    record Run(LauncherIT.Result result, String trace) {}

    /** Runs the launcher under {@code bash -x} so the java command line it builds can be checked. */
    static Run traced(Path aotDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of("bash", "-x", LauncherIT.ROOT.resolve("netkit").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(LauncherIT.ROOT.toFile());
        pb.environment().put("NETKIT_NO_BUILD", "1");
        pb.environment().put("NETKIT_AOT", "auto");
        pb.environment().put("NETKIT_AOT_DIR", aotDir.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        var out = LauncherIT.read(p.getInputStream());
        var err = LauncherIT.read(p.getErrorStream());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not exit");
        String all = err.get(10, TimeUnit.SECONDS);
        StringBuilder trace = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        for (String line : all.split("\n", -1)) {
            if (line.startsWith("+")) {
                trace.append(line).append('\n');
            } else if (!line.isEmpty()) {
                stderr.append(line).append('\n');
            }
        }
        return new Run(
                new LauncherIT.Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), stderr.toString()),
                trace.toString());
    }

    static String execLine(Run r) {
        return r.trace()
                .lines()
                .filter(l -> l.startsWith("+ exec "))
                .findFirst()
                .orElseThrow();
    }

    static Path cacheIn(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(
                            f -> f.toString().endsWith(".aot") || f.toString().endsWith(".jsa"))
                    .findFirst()
                    .orElse(null);
        }
    }

    @Test
    @Timeout(300)
    void fastPathArchiveIsRecordedThenUsedAndABadOneIsIgnoredSilently(@TempDir Path aotDir) throws Exception {
        recordUseAndBreak(aotDir, new LauncherIT.Result(1, "4\n6\n0\n", ""), "isip", "127.0.0.1", "::1", "127.1");
    }

    @Test
    @Timeout(300)
    void fullArchiveIsRecordedThenUsedAndABadOneIsIgnoredSilently(@TempDir Path aotDir) throws Exception {
        recordUseAndBreak(aotDir, new LauncherIT.Result(1, "4\n0\n0\n", ""), "isip", "-4", "127.0.0.1", "::1", "127.1");
    }

    private static void recordUseAndBreak(Path aotDir, LauncherIT.Result expected, String... args) throws Exception {
        // First run: no archive. Correct and silent; the recording starts in the background.
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            aotDir.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            long t0 = System.nanoTime();
            Run first = traced(aotDir, args);
            long firstRunNanos = System.nanoTime() - t0;
            assertEquals(expected, first.result());
            assertFalse(
                    execLine(first).contains("AOTCache=") || execLine(first).contains("SharedArchiveFile="),
                    execLine(first));

            // Wait (bounded) for the archive to appear: it is renamed into place when complete.
            Path cache = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            while (cache == null && System.nanoTime() < deadline) {
                var key = watch.poll(5, TimeUnit.SECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                }
                cache = cacheIn(aotDir);
            }
            assertTrue(cache != null, "no archive recorded within 240 s in " + aotDir);
            long recordNanos = System.nanoTime() - t0;
            assertTrue(
                    firstRunNanos < recordNanos,
                    "the first run waited for the recording: its output ended only after the archive was written");

            // Second run: the archive is used, output unchanged, nothing printed.
            Run second = traced(aotDir, args);
            assertEquals(expected, second.result());
            assertTrue(execLine(second).contains(cache.toString()), execLine(second));

            // Truncated archive (still newer than the jar, so the launcher passes it): ignored silently.
            byte[] whole = Files.readAllBytes(cache);
            Files.write(cache, java.util.Arrays.copyOf(whole, 4096));
            Run truncated = traced(aotDir, args);
            assertEquals(expected, truncated.result());
            assertTrue(execLine(truncated).contains(cache.toString()));

            // Garbage in place of the archive (e.g. one written by another JDK build): ignored silently.
            Files.write(cache, "not an archive of this JDK".repeat(1000).getBytes(UTF_8));
            assertEquals(expected, traced(aotDir, args).result());
        }
    }

    @Test
    @Timeout(120)
    void anArchiveOlderThanTheJarIsNotUsed(@TempDir Path aotDir) throws Exception {
        // The launcher remembers the JDK it chose (target/launcher-jdk: key, major, home): name its archive.
        List<String> memo = Files.readAllLines(LauncherIT.ROOT.resolve("target/launcher-jdk"));
        int major = Integer.parseInt(memo.get(1));
        String name =
                "netkit-fast-" + major + memo.get(2).replaceAll("[^A-Za-z0-9]", "_") + (major >= 25 ? ".aot" : ".jsa");
        Path stale = aotDir.resolve(name);
        Files.write(stale, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(stale, FileTime.fromMillis(0));
        Files.write(aotDir.resolve(name + ".tried"), new byte[0]); // newer than the jar: no new recording
        Run run = traced(aotDir, "isip", "::1");
        assertEquals(new LauncherIT.Result(0, "6\n", ""), run.result());
        assertFalse(execLine(run).contains(name), execLine(run));
        assertTrue(execLine(run).contains("-jar"), execLine(run));
    }
}
