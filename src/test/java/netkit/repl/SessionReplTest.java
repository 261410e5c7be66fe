package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The session REPL driven through a dumb terminal over byte streams, against a real loopback peer. */
@Timeout(20)
class SessionReplTest {
    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannel local;
    private LoopbackSession session;
    private TestTerminal term;
    private CompletableFuture<SessionRepl.End> repl;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        local = SocketChannel.open(server.getLocalAddress());
        peer = server.accept();
        session = new LoopbackSession(local);
        term = new TestTerminal();
    }

    @AfterEach
    void close() throws Exception {
        session.close();
        peer.close();
        server.close();
        if (repl != null) {
            repl.get(5, TimeUnit.SECONDS);
        }
        term.close();
    }

    private void start(ReplOptions options) throws InterruptedException {
        SessionRepl r = new SessionRepl(term.terminal, session, options);
        repl = new CompletableFuture<>();
        Thread.ofPlatform().name("repl").daemon().start(() -> {
            try {
                repl.complete(r.run());
            } catch (Throwable t) {
                repl.completeExceptionally(t);
            }
        });
        term.await("/help lists the commands");
    }

    private void start() throws InterruptedException {
        start(new ReplOptions(false, false, false));
    }

    private String readPeer(int bytes) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(bytes);
        while (b.hasRemaining()) {
            if (peer.read(b) < 0) {
                break;
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    private void peerWrites(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            peer.write(b);
        }
    }

    @Test
    void typedLineReachesThePeerWithNewline() throws Exception {
        start();
        term.type("hello there\r");
        assertEquals("hello there\n", readPeer(12));
    }

    @Test
    void crlfOptionAndCommandSwitchTheLineEnd() throws Exception {
        start(new ReplOptions(true, false, false));
        term.type("one\r");
        assertEquals("one\r\n", readPeer(5));
        term.type("/crlf off\r");
        term.await("lines end with \\n");
        term.type("two\r");
        assertEquals("two\n", readPeer(4));
    }

    @Test
    void doubleSlashSendsALineStartingWithSlash() throws Exception {
        start();
        term.type("//quit now\r");
        assertEquals("/quit now\n", readPeer(10));
        assertFalse(repl.isDone());
    }

    @Test
    void peerDataIsShownAsLinesAndPartialLinesAppearAfterAPause() throws Exception {
        start();
        peerWrites("first line\r\nsecond ");
        term.await("first line");
        term.await("second");
        peerWrites("login: ");
        String screen = term.await("login: ");
        assertFalse(screen.contains("first line\\x0d"), "a CRLF line end is shown as a plain line end");
    }

    @Test
    void dataWithoutNewlinesIsShownAsItComes() throws Exception {
        start();
        String run = "z".repeat(Screen.LONGEST_PARTIAL_LINE);
        String chunk = "z".repeat(512);
        // A steady stream, never quiet long enough for the partial-line flush: the length cap shows it.
        for (int sent = 1; sent <= 64; sent++) {
            peerWrites(chunk);
            if (term.screen().contains(run)) {
                return;
            }
            Thread.sleep(Screen.PARTIAL_LINE_FLUSH_MS / 5); // pacing the stream, not waiting for a result
        }
        throw new AssertionError("32 KiB without a newline arrived and nothing was shown");
    }

    @Test
    void controlBytesFromThePeerAreShownEscaped() throws Exception {
        start();
        peerWrites("red \u001b[31malert\u0007 caf\u00e9\n");
        String screen = term.await("alert");
        assertTrue(screen.contains("red \\x1b[31malert\\x07 caf\u00e9"), screen);
        assertFalse(screen.contains("\u001b[31m"), "no raw escape sequence reaches the terminal");
    }

    @Test
    void statsShowsNodeCounters() throws Exception {
        start();
        term.type("abc\r");
        assertEquals("abc\n", readPeer(4));
        peerWrites("123456\n");
        term.await("123456");
        term.type("/stats\r");
        term.await("bytesRead 7, bytesWritten 4, bufferSize 0, connections 1");
    }

    @Test
    void pauseStopsReadingSoThePeerIsBlockedUntilResume() throws Exception {
        start();
        term.type("/pause\r");
        term.await("paused:");
        peer.configureBlocking(false);
        peer.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
        byte[] line = ("x".repeat(63) + "\n").getBytes(StandardCharsets.US_ASCII);
        long written = 0;
        boolean blocked = false;
        try (Selector selector = Selector.open()) {
            SelectionKey key = peer.register(selector, SelectionKey.OP_WRITE);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (!buf.hasRemaining() || buf.position() == 0) {
                buf.put(line);
            }
            // Bounded: the kernel buffers hold at most a few MiB on loopback.
            while (written < 64L * 1024 * 1024) {
                buf.clear();
                int n = peer.write(buf);
                written += n;
                if (n == 0 && selector.select(500) == 0) {
                    blocked = true; // not writable for 500 ms: nobody reads the other end
                    break;
                }
                selector.selectedKeys().clear();
            }
            assertTrue(blocked, "the peer could write " + written + " bytes although the session was paused");
            long readWhilePaused = session.stats().bytesRead();
            assertTrue(readWhilePaused < written, "read " + readWhilePaused + " of " + written);

            term.type("/resume\r");
            term.await("resumed");
            assertTrue(selector.select(5000) > 0, "after /resume the peer can write again");
            key.cancel();
        }
        peer.configureBlocking(true);
    }

    @Test
    void ctrlDAppliesTheStdinEofPolicyAndKeepsShowingPeerData() throws Exception {
        start();
        term.type("\u0004");
        term.await("end of input (Ctrl-D)");
        assertTrue(session.endOfInputCalled);
        assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "the peer sees FIN");
        peerWrites("still here\n");
        term.await("still here");
        term.type("more\r");
        term.await("input is closed");
        peer.close();
        assertEquals(SessionRepl.End.SESSION_ENDED, repl.get(5, TimeUnit.SECONDS));
    }

    @Test
    void peerCloseEndsTheRepl() throws Exception {
        start();
        peerWrites("bye\n");
        term.await("bye");
        peer.close();
        assertEquals(SessionRepl.End.SESSION_ENDED, repl.get(5, TimeUnit.SECONDS));
        term.await("peer closed");
    }

    @Test
    void ctrlCDropsAHalfTypedLineAndOnAnEmptyLineEndsTheSession() throws Exception {
        start();
        term.type("half typed\u0003");
        term.await("loopback> half typed\r\nloopback> ");
        assertFalse(repl.isDone(), "Ctrl-C on a half-typed line only drops the line");
        term.type("kept\r");
        assertEquals("kept\n", readPeer(5), "the dropped line was not sent");
        term.type("\u0003");
        assertEquals(SessionRepl.End.INTERRUPTED, repl.get(5, TimeUnit.SECONDS));
        assertEquals(-1, peer.read(ByteBuffer.allocate(16)), "the peer sees the close, not the half-typed line");
    }

    @Test
    void typedLinesArePersistedInAnOwnerOnlyFile(@TempDir Path dir) throws Exception {
        // (recalling them with Up in the next session needs a real terminal: InteractiveIT)
        Path history = dir.resolve(".netkit_session_history");
        SessionRepl r = new SessionRepl(term.terminal, session, new ReplOptions(false, false, false), history);
        repl = CompletableFuture.supplyAsync(r::run);
        term.await("/help lists the commands");
        term.type("remember me\r");
        assertEquals("remember me\n", readPeer(12));
        term.type("/stats\r");
        term.await("bytesRead 0");
        assertTrue(
                Files.readString(history).contains(":remember me\n"), "saved as typed: " + Files.readString(history));
        term.type("/quit\r");
        assertEquals(SessionRepl.End.QUIT, repl.get(5, TimeUnit.SECONDS));
        assertTrue(Files.readString(history).contains(":/stats\n"), Files.readString(history));
        assertEquals(
                "rw-------",
                java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(history)),
                "a typed line may be a password: owner only");
    }

    @Test
    void quitEndsTheSession() throws Exception {
        start();
        term.type("/quit\r");
        assertEquals(SessionRepl.End.QUIT, repl.get(5, TimeUnit.SECONDS));
        assertEquals(-1, peer.read(ByteBuffer.allocate(16)));
    }

    @Test
    void sendFileDeliversItsBytesUnchanged(@TempDir Path dir) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(data);
        Path file = dir.resolve("blob.bin");
        Files.write(file, data);
        start();
        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            try {
                ByteBuffer b = ByteBuffer.allocate(data.length);
                while (b.hasRemaining() && peer.read(b) >= 0) {
                    // keep reading
                }
                return b.array();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        term.type("/send " + file + "\r");
        byte[] got = received.get(10, TimeUnit.SECONDS);
        assertArrayEquals(sha256(data), sha256(got));
        term.await("sent " + file + ": " + data.length + " of " + data.length + " bytes (100%)");
    }

    @Test
    void unknownCommandsAndMissingFeaturesAreExplainedAndNothingIsSent() throws Exception {
        start();
        term.type("/frobnicate\r");
        term.await("unknown command '/frobnicate'");
        term.type("/clients\r");
        term.await("/clients does not apply to this session");
        term.type("/send /no/such/file\r");
        term.await("no such file '/no/such/file'");
        term.type("ok\r");
        assertEquals("ok\n", readPeer(3), "nothing was sent before the plain line");
    }

    @Test
    void hexModeShowsIncomingBytesAsADump() throws Exception {
        start();
        term.type("/hex on\r");
        term.await("netkit: hex on");
        peerWrites("AB\u0001");
        term.await("41 42 01");
        term.await("|AB.|");
    }

    @Test
    void tabCompletesTheCommandsThatApply() throws Exception {
        var reader = org.jline.reader.LineReaderBuilder.builder()
                .terminal(term.terminal)
                .build();
        var completer = new SessionRepl(term.terminal, session, new ReplOptions(false, false, false))
                .commands()
                .completer();
        assertTrue(complete(completer, reader, "/").containsAll(java.util.List.of("/help", "/pause", "/eof", "/send")));
        assertFalse(complete(completer, reader, "/").contains("/kick"), "no /kick without clients");
        assertTrue(complete(completer, reader, "hello").isEmpty(), "plain text is not completed");
        assertEquals(java.util.List.of("on", "off"), complete(completer, reader, "/hex "));
        assertTrue(complete(completer, reader, "/stats ").isEmpty(), "/stats takes nothing");
    }

    @Test
    void helpListsExactlyWhatTabOffersAndWhatRuns() throws Exception {
        var reader = org.jline.reader.LineReaderBuilder.builder()
                .terminal(term.terminal)
                .build();
        CommandTable table = new SessionRepl(term.terminal, session, new ReplOptions(false, false, false)).commands();
        java.util.List<String> offered = complete(table.completer(), reader, "/");
        java.util.List<String> helped =
                table.helpLines().stream().map(l -> l.trim().split(" ")[0]).toList();
        assertEquals(offered, helped, "/help and Tab come from one table");
        start();
        term.type("/help\r");
        for (String command : offered) {
            term.await("netkit:   " + command);
        }
        term.type("/kick 1\r");
        term.await("/kick does not apply to this session");
        term.type("/send\r");
        term.await("usage: /send FILE");
    }

    private static java.util.List<String> complete(
            org.jline.reader.Completer completer, org.jline.reader.LineReader reader, String text) {
        var line = new org.jline.reader.impl.DefaultParser()
                .parse(text, text.length(), org.jline.reader.Parser.ParseContext.COMPLETE);
        java.util.List<org.jline.reader.Candidate> candidates = new java.util.ArrayList<>();
        completer.complete(reader, line, candidates);
        return candidates.stream().map(org.jline.reader.Candidate::value).toList();
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
