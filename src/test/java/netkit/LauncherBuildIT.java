package netkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command on a fresh checkout: {@code ./netkit} builds the jar itself (Maven on the PATH's
 * Java, the build picking a JDK 25+ toolchain, no JAVA_HOME) and then runs it, saying only that it is building.
 */
class LauncherBuildIT {
    @Test
    @Timeout(600)
    void aFreshCheckoutBuildsOnFirstRunWithoutJavaHomeSayingOnlyThatItBuilds(@TempDir Path checkout) throws Exception {
        // the working tree as git sees it (tracked and new files, nothing ignored such as target/)
        Process ls = new ProcessBuilder("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
                .directory(LauncherIT.ROOT.toFile())
                .start();
        String listing = new String(ls.getInputStream().readAllBytes(), UTF_8);
        assertTrue(ls.waitFor(30, TimeUnit.SECONDS) && ls.exitValue() == 0, "git ls-files failed");
        for (String name : listing.split("\0")) {
            Path from = LauncherIT.ROOT.resolve(name);
            if (name.isEmpty() || !Files.isRegularFile(from)) {
                continue;
            }
            Path to = checkout.resolve(name);
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
        ProcessBuilder pb = new ProcessBuilder(
                        List.of(checkout.resolve("netkit").toString(), "isip", "::1", "127.1"))
                .directory(checkout.toFile());
        pb.environment().remove("JAVA_HOME");
        pb.environment().remove("NETKIT_JAVA_HOME");
        pb.environment().remove("NETKIT_NO_BUILD");
        pb.environment().put("NETKIT_AOT", "off");
        Process p = pb.start();
        p.getOutputStream().close();
        var out = LauncherIT.read(p.getInputStream());
        var err = LauncherIT.read(p.getErrorStream());
        assertTrue(p.waitFor(540, TimeUnit.SECONDS), "build and run took more than 9 minutes");
        assertEquals(
                new LauncherIT.Result(
                        1,
                        "6\n0\n",
                        "netkit: building target/netkit.jar with Maven (first run, or the sources changed)...\n"),
                new LauncherIT.Result(p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS)));
        assertTrue(Files.isRegularFile(checkout.resolve("target/netkit.jar")));
    }
}
