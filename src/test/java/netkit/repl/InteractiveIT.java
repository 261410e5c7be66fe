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
        try (ServerSocketChannel server =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            String prompt = "127.0.0.1:" + port + "> ";
            try (Tmux tmux = new Tmux(
                            "env NO_COLOR=1 NETKIT_NO_BUILD=1 " + ROOT.resolve("netkit") + " tcp-connect 127.0.0.1 "
                                    + port,
                            ROOT);
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
                assertTrue(
                        lines.subList(shown + 1, lines.size()).stream().anyMatch(l -> l.equals(prompt + "half a li")),
                        "the line being typed is redrawn below it, intact:\n" + screen);

                tmux.type("ne");
                tmux.press("Enter");
                assertEquals("half a line\n", read(peer, 12));
                tmux.press("C-c");
                tmux.await("EXIT=130", WAIT);
            }
        }
    }

    @Test
    @Timeout(60)
    void aSessionEndedByThePeerLeavesNoPromptBehindAndItsErrorIsPrintedOnce() throws Exception {
        assumeTrue(Tmux.available(), "tmux is not installed");
        try (ServerSocketChannel server =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            String prompt = "127.0.0.1:" + port + "> ";
            try (Tmux tmux = new Tmux(
                    "env NO_COLOR=1 NETKIT_NO_BUILD=1 " + ROOT.resolve("netkit") + " tcp-connect 127.0.0.1 " + port,
                    ROOT)) {
                try (SocketChannel peer = server.accept()) {
                    tmux.await(prompt, WAIT);
                    write(peer, "hello\n");
                    tmux.type("half typed");
                    tmux.await(prompt + "half typed", WAIT);
                    peer.setOption(java.net.StandardSocketOptions.SO_LINGER, 0); // the close is a reset
                }
                String screen = tmux.await("EXIT=1", WAIT);
                List<String> lines = List.of(screen.split("\n"));
                int error = lines.indexOf("netkit: receive from 127.0.0.1:" + port + ": connection reset by peer");
                assertTrue(error > 0, "the error is a line of its own:\n" + screen);
                assertEquals(error, lines.lastIndexOf(lines.get(error)), "the error is printed once:\n" + screen);
                assertEquals("EXIT=1", lines.get(error + 1), "nothing between the error and the exit:\n" + screen);
                assertFalse(screen.contains(prompt + "half typed"), "no stale prompt:\n" + screen);
            }
        }
    }

    @Test
    @Timeout(90)
    void sessionHistoryIsKeptBesideTheShellsAndRecalledWithUpInTheNextSession(@TempDir Path home) throws Exception {
        assumeTrue(Tmux.available(), "tmux is not installed");
        try (ServerSocketChannel server =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            String prompt = "127.0.0.1:" + port + "> ";
            String command = "env HOME=" + home + " NO_COLOR=1 NETKIT_NO_BUILD=1 " + ROOT.resolve("netkit")
                    + " tcp-connect 127.0.0.1 " + port;
            try (Tmux tmux = new Tmux(command, ROOT);
                    SocketChannel peer = server.accept()) {
                tmux.await(prompt, WAIT);
                tmux.type("a line worth keeping");
                tmux.press("Enter");
                assertEquals("a line worth keeping\n", read(peer, 21));
                tmux.type("dropped by Ctrl-C");
                tmux.await(
                        prompt + "dropped by Ctrl-C",
                        WAIT); // (the tty signals Ctrl-C before JLine reads what came first)
                tmux.press("C-c"); // drops the half-typed line, the session goes on
                tmux.await(prompt + "dropped by Ctrl-C\n" + prompt, WAIT);
                tmux.press("C-c"); // on an empty line: ends the session
                tmux.await("EXIT=130", WAIT);
            }
            Path file = home.resolve(".netkit_session_history");
            List<String> saved = java.nio.file.Files.readAllLines(file);
            assertTrue(saved.stream().anyMatch(l -> l.endsWith(":a line worth keeping")), saved.toString());
            assertFalse(saved.stream().anyMatch(l -> l.contains("dropped by")), "a dropped line is not kept: " + saved);
            try (Tmux tmux = new Tmux(command, ROOT);
                    SocketChannel peer = server.accept()) {
                tmux.await(prompt, WAIT);
                tmux.press("Up");
                tmux.await(prompt + "a line worth keeping", WAIT);
                tmux.press("Enter");
                assertEquals("a line worth keeping\n", read(peer, 21), "the recalled line is sent again");
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
        Process p = new ProcessBuilder(
                        java.toString(),
                        "-verbose:class",
                        "--enable-native-access=ALL-UNNAMED",
                        "-jar",
                        ROOT.resolve("target/netkit.jar").toString(),
                        "isip",
                        "127.0.0.1")
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
