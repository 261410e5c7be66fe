package netkit.cli;

import static netkit.cli.TcpTesting.random;
import static netkit.cli.TcpTesting.readAll;
import static netkit.cli.TcpTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** tcp-listen's server modes and limits (SPEC §3), over loopback. */
@Timeout(30)
class TcpServerModesTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    @Test
    void byteStreamOptionsWithChatAreAUsageErrorNamingTheOption() {
        for (String[] args : List.of(new String[] {"-i", "5s"}, new String[] {"-C"}, new String[] {"-x"})) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            netkit.Stdio stdio = netkit.Stdio.of(
                    InputStream.nullInputStream(),
                    new java.io.ByteArrayOutputStream(),
                    new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            List<String> argv = new java.util.ArrayList<>(List.of("tcp-listen", "--chat"));
            argv.addAll(List.of(args));
            argv.addAll(List.of("127.0.0.1", "0"));
            assertEquals(2, Netkit.commandLine(stdio).execute(argv.toArray(String[]::new)), String.join(" ", args));
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(
                    text.startsWith("netkit: " + args[0] + "/")
                            && text.endsWith("cannot be combined with --chat\n")
                            && text.lines().count() == 1,
                    text);
        }
    }

    @Test
    void echoSendsEveryByteBackAndClosesAfterTheClientsFin() throws Exception {
        CommandRun run =
                CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "--echo", "-v", "127.0.0.1", "0");
        int port = run.listeningPort();
        byte[] payload = random(4 << 20, 11);
        for (int i = 0; i < 2; i++) { // --echo keeps serving
            try (Socket c = connect("127.0.0.1", port)) {
                CompletableFuture<Void> w = CompletableFuture.runAsync(() -> {
                    try {
                        c.getOutputStream().write(payload);
                        c.shutdownOutput();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                assertEquals(sha256(payload), sha256(readAll(c.getInputStream())));
                w.get(10, TimeUnit.SECONDS);
            }
        }
        assertEquals("", run.stdout());
        assertTrue(
                run.err.await(l -> l.contains("(id 2)"), WAIT).contains("4194304 bytes sent, 4194304 bytes received"));
    }

    @Test
    void brokerRelaysBetweenIpv4AndIpv6ClientsWithoutEchoAndStdinGoesToAll() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run = CommandRun.start(new PipedInputStream(feed), "tcp-listen", "--broker", "-v", "0");
            int port = run.listeningPort();
            try (Socket v4 = connect("127.0.0.1", port);
                    Socket v6 = connect("::1", port)) {
                run.err.await(l -> l.contains("2 open"), WAIT);
                v4.getOutputStream().write(bytes("from v4\n"));
                assertEquals("from v4\n", text(v6.getInputStream().readNBytes(8)));
                v6.getOutputStream().write(bytes("from v6\n"));
                assertEquals("from v6\n", text(v4.getInputStream().readNBytes(8)));
                feed.write(bytes("console\n"));
                feed.flush();
                assertEquals("console\n", text(v4.getInputStream().readNBytes(8)));
                assertEquals("console\n", text(v6.getInputStream().readNBytes(8)));
                feed.close(); // stdin's end closes nothing
                v4.getOutputStream().write(bytes("again\n"));
                assertEquals("again\n", text(v6.getInputStream().readNBytes(6)));
                v4.shutdownOutput();
                v6.shutdownOutput();
                assertEquals(-1, v4.getInputStream().read()); // no echo of our own bytes came before the close
                assertEquals(-1, v6.getInputStream().read());
            }
            assertTrue(run.err.text().contains("connection from [::1]:"), run.err.text());
            assertEquals("", run.stdout());
        }
    }

    @Test
    void execChildAnswersAfterTheClientsFin() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "-v",
                "--sh-exec",
                "wc -c | tr -d ' '; echo \"from $NETKIT_REMOTE_ADDR\"",
                "127.0.0.1",
                "0");
        int port = run.listeningPort();
        try (Socket c = connect("127.0.0.1", port)) {
            c.getOutputStream().write(bytes("12345"));
            c.shutdownOutput(); // wc -c answers only after EOF
            assertEquals("5\nfrom 127.0.0.1\n", text(readAll(c.getInputStream())));
        }
        assertEquals(0, run.exitCode(WAIT), run.err.text());
    }

    @Test
    void execRunsArgvWithoutAShellAndAnExitingChildClosesTheConnection() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "-v", "-e", "echo $HOME;x", "127.0.0.1", "0");
        int port = run.listeningPort();
        try (Socket c = connect("127.0.0.1", port)) {
            assertEquals("$HOME;x\n", text(readAll(c.getInputStream())));
        }
        assertEquals(0, run.exitCode(WAIT), run.err.text());
    }

    @Test
    void maxConnsRejectsTheNextClientAndAKilledClientFreesItsSlot() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run =
                    CommandRun.start(new PipedInputStream(feed), "tcp-listen", "-k", "-m", "1", "-v", "127.0.0.1", "0");
            int port = run.listeningPort();
            Socket first = connect("127.0.0.1", port);
            run.err.await(l -> l.contains("(id 1, 1 open)"), WAIT);
            try (Socket second = connect("127.0.0.1", port)) {
                assertEquals(-1, second.getInputStream().read());
            }
            assertTrue(run.err.await(l -> l.contains("rejected"), WAIT).endsWith("connection limit reached (1)"));
            first.setSoLinger(true, 0);
            first.close(); // killed: RST, no goodbye
            run.err.await(l -> l.contains("(id 1)") && l.startsWith("netkit: closed"), WAIT);
            try (Socket third = connect("127.0.0.1", port)) {
                run.err.await(l -> l.contains("(id 3, 1 open)"), WAIT);
                third.getOutputStream().write(bytes("in"));
                ((CommandRun.SyncBytes) run.out).await(t -> t.equals("in"), WAIT);
            }
        }
    }

    @Test
    void countStopsListeningAfterNAndExitsWhenTheyEnd() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "-c", "2", "-v", "--json", "127.0.0.1", "0");
        String listening = run.err.await(l -> l.contains("\"listening\""), WAIT);
        int port = Integer.parseInt(listening.replaceAll(".*\"port\":(\\d+).*", "$1"));
        Socket a = connect("127.0.0.1", port);
        Socket b = connect("127.0.0.1", port);
        run.err.await(l -> l.contains("\"connections\":2"), WAIT);
        assertTrue(run.err.text().contains("{\"event\":\"connection\",\"id\":1,"), run.err.text());
        try {
            connect("127.0.0.1", port).close();
            throw new AssertionError("a third client was accepted");
        } catch (java.net.ConnectException expected) {
            // no longer listening
        }
        a.close();
        b.close();
        assertEquals(0, run.exitCode(WAIT), run.err.text());
    }

    @Test
    void acceptTimeoutExitsFour() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "--accept-timeout", "300ms", "127.0.0.1", "0");
        assertEquals(4, run.exitCode(WAIT));
        assertEquals("netkit: no client connected within 300ms\n", run.err.text());
    }

    @Test
    void denyWinsAndAllowDeniesTheRestWithMappedClientsMatchingIpv4Rules() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "-k",
                "-v",
                "--allow",
                "127.0.0.0/8",
                "--deny",
                "127.0.0.2",
                "0");
        int port = run.listeningPort();
        try (Socket ok = connect("127.0.0.1", port)) { // IPv4 on a dual-stack socket: ::ffff:127.0.0.1
            run.err.await(l -> l.contains("connection from 127.0.0.1:"), WAIT);
        }
        try (Socket denied = new Socket()) {
            denied.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            denied.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
            denied.setSoTimeout(10_000);
            assertEquals(-1, denied.getInputStream().read());
        }
        assertTrue(run.err.await(l -> l.contains("rejected 127.0.0.2:"), WAIT).endsWith("denied by --deny 127.0.0.2"));
        try (Socket v6 = connect("::1", port)) {
            assertEquals(-1, v6.getInputStream().read());
        }
        assertTrue(run.err.await(l -> l.contains("rejected [::1]:"), WAIT).endsWith("not in --allow"));
    }

    @Test
    void serverModesAreMutuallyExclusiveAndCidrsAreChecked() throws Exception {
        CommandRun run = CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "--echo", "--broker", "0");
        assertEquals(2, run.exitCode(WAIT));
        assertEquals("netkit: --echo and --broker cannot be combined (one server mode at most)\n", run.err.text());
        run = CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "--allow", "10.0.0.0/33", "0");
        assertEquals(2, run.exitCode(WAIT));
        assertTrue(run.err.text().startsWith("netkit: invalid value for --allow: '10.0.0.0/33'"), run.err.text());
    }

    @Test
    void chatModeGreetsClientsAndTheConsoleTakesPart() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run =
                    CommandRun.start(new PipedInputStream(feed), "tcp-listen", "--chat", "-v", "127.0.0.1", "0");
            int port = run.listeningPort();
            try (Socket c = connect("127.0.0.1", port)) {
                java.io.BufferedReader in = new java.io.BufferedReader(
                        new java.io.InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
                assertTrue(in.readLine().startsWith("* welcome to netkit chat"));
                in.readLine(); // the nickname prompt
                c.getOutputStream().write(bytes("alice\n"));
                ((CommandRun.SyncBytes) run.out).await(t -> t.contains("alice joined"), WAIT);
                feed.write(bytes("hello from the console\n"));
                feed.flush();
                String line;
                do {
                    line = in.readLine();
                } while (line != null && !line.contains("hello from the console"));
                assertEquals("<server> hello from the console", line);
            }
        }
    }

    @Test
    @Timeout(60)
    void chatJoinStormThenEveryMemberGetsTheFirstBroadcast() throws Exception {
        int n = 300;
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run =
                    CommandRun.start(new PipedInputStream(feed), "tcp-listen", "--chat", "-v", "127.0.0.1", "0");
            int port = run.listeningPort();
            Socket[] clients = new Socket[n];
            java.io.BufferedReader[] in = new java.io.BufferedReader[n];
            try {
                for (int i = 0; i < n; i++) {
                    clients[i] = connect("127.0.0.1", port);
                    in[i] = new java.io.BufferedReader(
                            new java.io.InputStreamReader(clients[i].getInputStream(), StandardCharsets.UTF_8));
                }
                for (int i = 0; i < n; i++) { // all nicknames at once: a join storm
                    clients[i].getOutputStream().write(bytes("u" + i + "\n"));
                }
                for (int i = 0; i < n; i++) { // each is in the room once it got its own welcome
                    assertTrue(readUntil(in[i], "* welcome, u" + i + " ") != null, "no welcome for u" + i);
                }
                clients[0].getOutputStream().write(bytes("first after the storm\n"));
                for (int i = 1; i < n; i++) {
                    assertEquals(
                            "<u0> first after the storm",
                            readUntil(in[i], "<u0> first after the storm"),
                            "member u" + i);
                }
            } finally {
                for (Socket c : clients) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
            feed.write(bytes("/quit\n"));
            feed.flush();
            assertEquals(0, run.exitCode(WAIT), run.err.text());
        }
    }

    /** Reads lines until one starts with {@code prefix} and returns it; null at end of stream. */
    private static String readUntil(java.io.BufferedReader in, String prefix) throws IOException {
        String line;
        do {
            line = in.readLine();
        } while (line != null && !line.startsWith(prefix));
        return line;
    }

    @Test
    void chatCloseEventCountsTheBytesEachWay() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run =
                    CommandRun.start(new PipedInputStream(feed), "tcp-listen", "--chat", "-v", "127.0.0.1", "0");
            int port = run.listeningPort();
            byte[] received;
            try (Socket c = connect("127.0.0.1", port)) {
                c.getOutputStream().write(bytes("alice\n/quit\n")); // 12 bytes
                received = readAll(c.getInputStream()); // greeting, welcome, bye, then the close
            }
            assertTrue(text(received).endsWith("* bye\n"), text(received));
            String close = run.err.await(l -> l.contains("(id 1):"), WAIT);
            assertTrue(
                    close.endsWith(": " + received.length + " bytes sent, 12 bytes received in "
                            + close.substring(close.lastIndexOf(" in ") + 4)),
                    close);
        }
    }

    @Test
    void chatOverTheLimitGetsServerFullAndIsLoggedAsRejected() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run = CommandRun.start(
                    new PipedInputStream(feed), "tcp-listen", "--chat", "-m", "1", "-v", "127.0.0.1", "0");
            int port = run.listeningPort();
            try (Socket first = connect("127.0.0.1", port)) {
                run.err.await(l -> l.contains("(id 1, 1 open)"), WAIT);
                try (Socket second = connect("127.0.0.1", port)) {
                    assertEquals(
                            "! server full (1 connection), try again later\n", text(readAll(second.getInputStream())));
                }
                String rejected = run.err.await(l -> l.contains("rejected"), WAIT);
                assertTrue(rejected.endsWith(": connection limit reached (1)"), rejected);
                assertTrue(!run.err.text().contains("(id 2"), run.err.text());
            }
        }
    }

    @Test
    void execOfAMissingCommandClosesTheClientWithAOneLineReason() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "-v", "-e", "no-such-command-xyz", "127.0.0.1", "0");
        int port = run.listeningPort();
        try (Socket c = connect("127.0.0.1", port)) {
            assertEquals(-1, c.getInputStream().read());
        }
        assertEquals(1, run.exitCode(WAIT), run.err.text());
        assertTrue(
                run.err.text().endsWith("\nnetkit: cannot run no-such-command-xyz: No such file or directory\n"),
                run.err.text());
    }

    @Test
    void execConnectionIdleForTheTimeoutIsClosedAndItsChildEnded() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "-v", "-i", "300ms", "-e", "cat", "127.0.0.1", "0");
        int port = run.listeningPort();
        try (Socket c = connect("127.0.0.1", port)) {
            c.getOutputStream().write(bytes("x"));
            assertEquals('x', c.getInputStream().read());
            assertEquals(-1, c.getInputStream().read()); // then nothing moves: closed after 300ms
        }
        assertEquals(4, run.exitCode(WAIT), run.err.text());
        assertTrue(run.err.text().contains("idle timeout"), run.err.text());
    }
}
