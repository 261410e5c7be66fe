package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netkit.Stdio;
import netkit.cli.Netkit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** tcp-connect and tcp-listen with their session REPL, in-process, on a dumb terminal. */
@Timeout(20)
class TcpReplTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestTerminal term;

    @BeforeEach
    void terminal() throws IOException {
        term = new TestTerminal();
        Terminals.share(term.terminal, null); // the REPL uses this one, as inside the shell (no history file)
    }

    @AfterEach
    void release() throws IOException {
        Terminals.unshare();
        term.close();
    }

    private CompletableFuture<Integer> netkit(String... args) {
        Stdio stdio = Stdio.of(
                        new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8))
                .withTerminals(true, true, true)
                .withEnv(java.util.Map.of("NO_COLOR", "1"));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform()
                .daemon()
                .start(() -> exit.complete(Netkit.commandLine(stdio).execute(args)));
        return exit;
    }

    private static String read(SocketChannel ch, int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining() && ch.read(b) >= 0) {
            // until complete
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private static void write(SocketChannel ch, String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Test
    void tcpConnectSendsTypedLinesShowsPeerDataAndEndsWhenThePeerCloses() throws Exception {
        try (ServerSocketChannel server =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<Integer> exit = netkit("tcp-connect", "-C", "127.0.0.1", String.valueOf(port));
            try (SocketChannel peer = server.accept()) {
                term.await("127.0.0.1:" + port + "> ");
                term.type("GET / HTTP/1.0\r");
                assertEquals("GET / HTTP/1.0\r\n", read(peer, 16), "-C: the line ends with CRLF");
                write(peer, "HTTP/1.0 200 OK\r\n");
                term.await("HTTP/1.0 200 OK");
                term.type("/stats\r");
                term.await("bytesRead 17, bytesWritten 16, bufferSize 0, connections 1");
            }
            assertEquals(0, exit.get(10, TimeUnit.SECONDS));
            term.await("netkit: connection closed");
            assertEquals("", out.toString(StandardCharsets.UTF_8), "payload went to the terminal, not stdout");
        }
    }

    @Test
    void tcpConnectPauseStopsTheEngineReadingUntilResume() throws Exception {
        try (ServerSocketChannel server =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<Integer> exit = netkit("tcp-connect", "127.0.0.1", String.valueOf(port));
            try (SocketChannel peer = server.accept();
                    java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                term.await("> ");
                term.type("/pause\r");
                term.await("netkit: paused");
                peer.configureBlocking(false);
                peer.register(selector, java.nio.channels.SelectionKey.OP_WRITE);
                ByteBuffer chunk =
                        ByteBuffer.wrap(("y".repeat(1023) + "\n").repeat(64).getBytes(StandardCharsets.US_ASCII));
                long written = 0;
                boolean blocked = false;
                while (written < 64L << 20) { // bounded: loopback buffers hold a few MiB
                    chunk.clear();
                    int n = peer.write(chunk);
                    written += n;
                    if (n == 0 && selector.select(500) == 0) {
                        blocked = true; // not writable for 500 ms: netkit does not read
                        break;
                    }
                    selector.selectedKeys().clear();
                }
                assertTrue(blocked, "the peer wrote " + written + " bytes into a paused session");
                term.type("/resume\r");
                assertTrue(selector.select(5000) > 0, "after /resume netkit reads again");
                term.type("/quit\r");
            }
            assertEquals(0, exit.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void tcpConnectCtrlCExits130WithOneLine() throws Exception {
        try (ServerSocketChannel server =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<Integer> exit = netkit("tcp-connect", "127.0.0.1", String.valueOf(port));
            try (SocketChannel peer = server.accept()) {
                term.await("> ");
                term.type("unsent\u0003"); // drops the line
                term.await("> unsent\r\n");
                term.type("\u0003"); // on an empty line: ends the session
                assertEquals(130, exit.get(10, TimeUnit.SECONDS));
                assertEquals(-1, peer.read(ByteBuffer.allocate(16)), "closed, the half-typed line not sent");
            }
            assertEquals("netkit: interrupted\n", err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSessionThatFailsPrintsItsErrorOnceAfterTheRepl() throws Exception {
        try (ServerSocketChannel server =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<Integer> exit = netkit("tcp-connect", "127.0.0.1", String.valueOf(port));
            try (SocketChannel peer = server.accept()) {
                term.await("127.0.0.1:" + port + "> ");
                write(peer, "hello\n");
                term.await("hello");
                peer.setOption(java.net.StandardSocketOptions.SO_LINGER, 0); // the close is a reset
            }
            assertEquals(1, exit.get(10, TimeUnit.SECONDS));
            assertEquals(
                    "netkit: receive from 127.0.0.1:" + port + ": connection reset by peer\n",
                    err.toString(StandardCharsets.UTF_8),
                    "one line, from the command");
            assertTrue(!term.screen().contains("reset"), "not also a notice in the REPL:\n" + term.screen());
        }
    }

    @Test
    void aOneShotListenerWhoseClientFailsPrintsTheErrorOnce() throws Exception {
        CompletableFuture<Integer> exit = netkit("tcp-listen", "127.0.0.1", "0");
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(term.await("listening on"));
        assertTrue(m.find());
        InetSocketAddress where = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
        try (SocketChannel c = SocketChannel.open(where)) {
            write(c, "hi\n");
            term.await("[#1] hi");
            c.setOption(java.net.StandardSocketOptions.SO_LINGER, 0); // the close is a reset
        }
        assertEquals(1, exit.get(10, TimeUnit.SECONDS));
        term.await("#1 closed: 0 bytes sent, 3 bytes received\n");
        assertTrue(
                err.toString(StandardCharsets.UTF_8).endsWith("connection reset by peer\n"),
                err.toString(StandardCharsets.UTF_8));
        assertTrue(
                !term.screen().contains("reset"),
                "the close notice leaves the error to the command:\n" + term.screen());
    }

    @Test
    void chatConsoleQuitTellsTheClientsTheRoomIsClosing() throws Exception {
        CompletableFuture<Integer> exit = netkit("tcp-listen", "--chat", "127.0.0.1", "0");
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(term.await("listening on"));
        assertTrue(m.find());
        InetSocketAddress where = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
        try (SocketChannel alice = SocketChannel.open(where)) {
            write(alice, "alice\n");
            term.await("alice joined");
            term.type("/quit\r"); // the room's /quit, typed on the console
            String got = readToEnd(alice);
            assertTrue(got.endsWith("* the server is closing the room\n"), got);
        }
        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
        term.await("* the server is closing the room");
    }

    @Test
    void chatConsoleCtrlCAlsoTellsTheClientsTheRoomIsClosing() throws Exception {
        CompletableFuture<Integer> exit = netkit("tcp-listen", "--chat", "127.0.0.1", "0");
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(term.await("listening on"));
        assertTrue(m.find());
        term.await("chat :" + m.group(1) + "> ");
        InetSocketAddress where = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
        try (SocketChannel bob = SocketChannel.open(where)) {
            write(bob, "bob\n");
            term.await("bob joined");
            term.type("\u0003");
            String got = readToEnd(bob);
            assertTrue(got.endsWith("* the server is closing the room\n"), got);
        }
        assertEquals(130, exit.get(10, TimeUnit.SECONDS));
    }

    /** Everything the peer sends until it closes. */
    private static String readToEnd(SocketChannel ch) throws IOException {
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (ch.read(b.clear()) >= 0) {
            got.write(b.array(), 0, b.position());
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tcpListenChatConsoleTakesPartAsServerWithTheRoomsOwnCommands() throws Exception {
        CompletableFuture<Integer> exit = netkit("tcp-listen", "--chat", "127.0.0.1", "0");
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(term.await("listening on"));
        assertTrue(m.find());
        term.await("chat :" + m.group(1) + "> ");
        InetSocketAddress where = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
        try (SocketChannel alice = SocketChannel.open(where)) {
            write(alice, "alice\n");
            term.await("alice joined");
            term.type("/msg alice psst\r"); // the room's command, not the REPL's
            term.type("hello room\r");
            StringBuilder got = new StringBuilder();
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (!got.toString().contains("hello room")) {
                b.clear();
                if (alice.read(b) < 0) {
                    break;
                }
                got.append(new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            }
            assertTrue(got.toString().contains("*server* psst"), got.toString());
            term.await("*server -> alice* psst"); // the console's receipt is the room's log line
            assertTrue(got.toString().contains("<server> hello room"), got.toString());
            write(alice, "hi \u001b[2J all\n");
            term.await("<alice> hi \\x1b[2J all");
        }
        term.type("\u0003");
        assertEquals(130, exit.get(10, TimeUnit.SECONDS));
    }

    @Test
    void tcpListenLabelsClientsSendsToAllAndKicks() throws Exception {
        CompletableFuture<Integer> exit = netkit("tcp-listen", "-k", "127.0.0.1", "0");
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)").matcher(term.await("listening on"));
        assertTrue(m.find());
        InetSocketAddress where = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
        try (SocketChannel a = SocketChannel.open(where)) {
            term.await("#1 connected from");
            try (SocketChannel b = SocketChannel.open(where)) {
                term.await("#2 connected from");
                write(a, "from a\n");
                write(b, "from b\n");
                term.await("[#1] from a");
                term.await("[#2] from b");
                term.type("to all\r");
                assertEquals("to all\n", read(a, 7));
                assertEquals("to all\n", read(b, 7));
                term.type("/clients\r");
                term.await("#2  127.0.0.1:");
                term.type("/kick 1\r");
                assertEquals(-1, a.read(ByteBuffer.allocate(1)), "client #1 was disconnected");
                term.await("#1 closed");
                term.type("/quit\r");
                assertEquals(-1, b.read(ByteBuffer.allocate(1)), "quitting closes every client");
            }
        }
        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    }
}
