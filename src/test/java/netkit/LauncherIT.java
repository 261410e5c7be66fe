package netkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The process tier: the real {@code ./netkit} launcher running the packaged jar. */
class LauncherIT {
    static final Path ROOT = Path.of("").toAbsolutePath();

    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    static Result netkit(Map<String, String> env, String stdin, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(ROOT.resolve("netkit").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
        pb.environment().put("NETKIT_NO_BUILD", "1");
        pb.environment().remove("NO_COLOR");
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        CompletableFuture<String> out = read(p.getInputStream());
        CompletableFuture<String> err = read(p.getErrorStream());
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(UTF_8));
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("netkit did not exit within 60 s: " + cmd);
        }
        return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    static CompletableFuture<String> read(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    static Result netkit(String... args) throws Exception {
        return netkit(Map.of(), "", args);
    }

    @Test
    @Timeout(90)
    void isipPrintsFamiliesAndExits1ForTheInvalidOneWithNothingElse() throws Exception {
        assertEquals(new Result(1, "4\n6\n0\n", ""), netkit("isip", "1.2.3.4", "::1", "127.1"));
    }

    @Test
    @Timeout(90)
    void badOptionExits2WithExactlyOneLine() throws Exception {
        Result r = netkit("isip", "--definitely-not-an-option", "1.2.3.4");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals(List.of("netkit: unknown option: '--definitely-not-an-option'"), r.errLines());
    }

    @Test
    @Timeout(90)
    void helpListsTheCommandsWithOneLineDescriptions() throws Exception {
        Result r = netkit("--help");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("Usage: netkit"), r.out());
        assertTrue(r.out().matches("(?s).*\nCommands:\n  isip +Tell which inputs are IP addresses.*"), r.out());
    }

    @Test
    @Timeout(90)
    void stdinBulkModeAndVersionWork() throws Exception {
        assertEquals(new Result(0, "4\n6\n", ""), netkit(Map.of(), "10.1.2.3\r\nfe80::1%eth0\n", "isip"));
        Result v = netkit("-V");
        assertEquals(0, v.exit());
        assertTrue(v.out().startsWith("netkit "), v.out());
    }

    @Test
    @Timeout(90)
    void errorsAreNotColouredOnAPipe() throws Exception {
        Result r = netkit("isip", "-4", "-6", "::1");
        assertEquals(new Result(2, "", "netkit: -4 and -6 cannot be combined\n"), r);
    }

    @Test
    @Timeout(90)
    void withoutAJdk25TheLauncherSaysWhatToInstall(@TempDir Path tmp) throws Exception {
        // A fake JAVA_HOME and PATH holding only a Java 17, and no install folders to search.
        Path fake = tmp.resolve("jdk17");
        Files.createDirectories(fake.resolve("bin"));
        Files.writeString(fake.resolve("release"), "JAVA_VERSION=\"17.0.2\"\n");
        Path java = fake.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"17.0.2\"' >&2\n");
        java.toFile().setExecutable(true);
        Result r = netkit(
                Map.of(
                        "JAVA_HOME",
                        fake.toString(),
                        "NETKIT_JAVA_HOME",
                        "",
                        "NETKIT_JDK_DIRS",
                        "",
                        "PATH",
                        fake.resolve("bin") + ":/bin"),
                "",
                "isip",
                "::1");
        assertEquals(1, r.exit(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("needs Java 25 or newer"), r.err());
        assertTrue(r.err().contains("too old: " + fake.toRealPath() + " (17)"), r.err());
        assertTrue(r.err().contains("apt-get install openjdk-25-jdk"), r.err());
    }

    @Test
    @Timeout(90)
    void anOldJavaHomeIsPassedOverForANewerJdkSilently() throws Exception {
        Path jdk17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(jdk17), "no JDK 17 on this machine");
        assertEquals(new Result(0, "6\n", ""), netkit(Map.of("JAVA_HOME", jdk17.toString()), "", "isip", "::1"));
    }
}
