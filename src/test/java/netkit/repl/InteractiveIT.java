package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
    void tcpConnectSessionShowsPeerDataAboveTheLineBeingTyped() throws Exception {
        assumeTrue(Tmux.available(), "tmux is not installed");
        try (ServerSocketChannel server = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            String prompt = "127.0.0.1:" + port + "> ";
            try (Tmux tmux = new Tmux("env NO_COLOR=1 NETKIT_NO_BUILD=1 " + ROOT.resolve("netkit")
                    + " tcp-connect 127.0.0.1 " + port, ROOT);
                    SocketChannel peer = server.accept()) {
                tmux.await(prompt, WAIT);
                tmux.type("typed line");
                tmux.press("Enter");
                assertEquals("typed line\n", read(peer, 11));

                tmux.type("half a li");
                tmux.await(prompt + "half a li", WAIT);
                write(peer, "peer says \u001b[31mhi\n");
                String screen = tmux.await("peer says \\x1b[31mhi", WAIT);
                List<String> lines = List.of(screen.split("\n"));
                int shown = lines.indexOf("peer says \\x1b[31mhi");
                assertTrue(shown >= 0, "the peer's line is a line of its own:\n" + screen);
                assertTrue(lines.subList(shown + 1, lines.size()).stream().anyMatch(l -> l.equals(prompt + "half a li")),
                        "the line being typed is redrawn below it, intact:\n" + screen);

                tmux.type("ne");
                tmux.press("Enter");
                assertEquals("half a line\n", read(peer, 12));
                tmux.press("C-c");
                tmux.await("EXIT=130", WAIT);
            }
        }
    }

    private static String read(SocketChannel ch, int bytes) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining() && ch.read(b) >= 0) {
            // until complete
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static void write(SocketChannel ch, String text) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
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
