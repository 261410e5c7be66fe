package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The shell and the session REPL in a real terminal (tmux), and JLine staying unloaded when piped. */
class InteractiveIT {
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    @Timeout(60)
    void shellRunsCommandsInARealTerminalAndSavesHistory(@TempDir Path home) throws Exception {
        assumeTrue(Tmux.available(), "tmux is not installed");
        try (Tmux tmux = new Tmux("env HOME=" + home + " NETKIT_NO_BUILD=1 " + ROOT.resolve("netkit"), ROOT)) {
            tmux.await("netkit> ", WAIT);
            tmux.type("is");
            tmux.press("Tab");
            tmux.await("netkit> isip", WAIT);
            tmux.type("10.0.0.1 nope"); // completion added the space
            tmux.press("Enter");
            tmux.await("exit 1", WAIT);
            tmux.type("exit");
            tmux.press("Enter");
            String screen = tmux.await("EXIT=0", WAIT);
            assertTrue(screen.contains("4\n0\n"), screen);
        }
        List<String> history = java.nio.file.Files.readAllLines(home.resolve(".netkit_history"));
        assertTrue(history.stream().anyMatch(l -> l.endsWith(":isip 10.0.0.1 nope")), history.toString());
    }

    @Test
    @Timeout(60)
    void aPipedCommandNeverLoadsJLine() throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Process p = new ProcessBuilder(java.toString(), "-verbose:class", "--enable-native-access=ALL-UNNAMED",
                        "-jar", ROOT.resolve("target/netkit.jar").toString(), "isip", "127.0.0.1")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(out.contains("netkit.cli.IsipCommand"), "the class log is there");
        // (jdk.internal.org.jline is the JDK's own console, loaded by System.console())
        assertFalse(out.contains("] org.jline."), "JLine was loaded on the non-interactive path");
        assertFalse(out.contains("] netkit.repl."), "the REPL was loaded on the non-interactive path");
    }
}
