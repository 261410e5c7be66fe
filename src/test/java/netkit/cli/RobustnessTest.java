package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import netkit.Stdio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Issue 17 (robustness under attack) and issue 18 items 6-7, over loopback. */
@Timeout(60)
class RobustnessTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static long children() {
        return ProcessHandle.current().children().count();
    }

    private static int openFds() {
        return netkit.sys.Posix.openFds();
    }

    /** A stdout whose writes fail as a full disk or a closed pipe would. */
    private static OutputStream failing(String reason) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException(reason);
            }
        };
    }

    private static String echoLine(Socket s, String line) throws IOException {
        s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        byte[] got = s.getInputStream().readNBytes(line.length() + 1);
        return new String(got, StandardCharsets.UTF_8);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void execListenerUnder150IdleClientsKeepsServingAndGetsBackItsDescriptorsAndChildren() throws Exception {
        // 128 idle clients pinned every carrier when the child's pipes were read on virtual threads
        long kids = children();
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "-k", "-m", "200", "-v", "-e", "cat", "127.0.0.1", "0");
        int port = run.listeningPort();
        int fds = openFds();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 150; i++) {
                idle.add(connect(port));
            }
            run.err.await(l -> l.contains("(id 150, 150 open)"), WAIT);
            try (Socket fresh = connect(port)) {
                assertEquals("ping\n", echoLine(fresh, "ping"));
            }
            assertEquals("idle 7\n", echoLine(idle.get(7), "idle 7"));
        } finally {
            for (Socket s : idle) {
                s.close();
            }
        }
        await(() -> children() <= kids, "the children to end");
        await(() -> openFds() <= fds, "the descriptors to come back (" + fds + ")");
        try (Socket after = connect(port)) {
            assertEquals("again\n", echoLine(after, "again"));
        }
    }

    @Test
    void execModesHaveADefaultLimitOf100PrintedWithVerbose() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "-v", "-c", "1", "-e", "cat", "127.0.0.1", "0");
        int port = run.listeningPort();
        assertTrue(
                run.err.text().contains("netkit: at most 100 clients (and children) at once (-m default)\n"),
                run.err.text());
        try (Socket c = connect(port)) {
            c.shutdownOutput();
            assertEquals(-1, c.getInputStream().read());
        }
        assertEquals(0, run.exitCode(WAIT));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void execChildThatIgnoresItsClientsEndIsEndedWithItsGrandchildrenAfterTheGrace() throws Exception {
        // sh waits for a sleep that holds the connection's pipe: both go once the client has left
        String marker = "61.25";
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "-v",
                "-c",
                "1",
                "--sh-exec",
                "cat; sleep " + marker,
                "127.0.0.1",
                "0");
        int port = run.listeningPort();
        try (Socket c = connect(port)) {
            assertEquals("hi\n", echoLine(c, "hi"));
            c.shutdownOutput(); // cat ends; then sleep runs, silent, holding the pipe
            await(() -> sleeping(marker), "the grandchild to start");
            assertEquals(-1, c.getInputStream().read()); // closed once the group was ended
        }
        assertEquals(0, run.exitCode(WAIT), run.err.text());
        await(() -> !sleeping(marker), "the grandchild to be gone");
    }

    private static boolean sleeping(String marker) {
        return ProcessHandle.allProcesses()
                .anyMatch(p -> p.info()
                        .arguments()
                        .map(a -> a.length > 0 && a[a.length - 1].equals(marker))
                        .orElse(false));
    }

    @Test
    void execThatCannotStartPrintsItsReasonOncePerDistinctFailureWithoutVerbose() throws Exception {
        // --json without -v: the listening event gives the port; a warning prints whatever the verbosity
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(),
                "--json",
                "tcp-listen",
                "-k",
                "-c",
                "3",
                "-e",
                "no-such-command-xyz",
                "127.0.0.1",
                "0");
        String listening = run.err.await(l -> l.contains("\"event\":\"listening\""), WAIT);
        int port = Integer.parseInt(listening.replaceAll(".*\"port\":(\\d+).*", "$1"));
        for (int i = 0; i < 3; i++) {
            try (Socket c = connect(port)) {
                assertEquals(-1, c.getInputStream().read());
            }
        }
        assertEquals(0, run.exitCode(WAIT), run.err.text());
        String warning =
                "{\"event\":\"warning\",\"message\":\"cannot run no-such-command-xyz: No such file or directory\"}";
        assertEquals(
                1, run.err.text().lines().filter(l -> l.contains("\"warning\"")).count(), run.err.text());
        assertTrue(run.err.text().contains(warning + "\n"), run.err.text());
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void keepOpenListenerWritingToAFullDeviceExitsOneWithOneLine() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), "--json", "tcp-listen", "-k", "-o", "/dev/full", "127.0.0.1", "0");
        String listening = run.err.await(l -> l.contains("\"event\":\"listening\""), WAIT);
        int port = Integer.parseInt(listening.replaceAll(".*\"port\":(\\d+).*", "$1"));
        try (Socket c = connect(port)) {
            c.getOutputStream().write("lost?\n".getBytes(StandardCharsets.UTF_8));
            assertEquals(-1, c.getInputStream().read()); // the listener closes its clients
        }
        assertEquals(1, run.exitCode(WAIT), run.err.text());
        assertTrue(
                run.err
                        .text()
                        .endsWith("{\"event\":\"error\",\"code\":\"ENOSPC\",\"message\":"
                                + "\"write to '/dev/full': no space left on device\",\"exit\":1}\n"),
                run.err.text());
        assertThrows(ConnectException.class, () -> connect(port).close()); // it stopped accepting
    }

    @Test
    void keepOpenListenerWhoseStdoutFailsStopsWithOneLineAndExitOne() throws Exception {
        Result r = listenWithStdout(failing("No space left on device"), "-k");
        assertEquals(1, r.exit, r.err);
        assertTrue(r.err.endsWith("netkit: write to stdout: no space left on device\n"), r.err);
        assertEquals(1, r.err.lines().filter(l -> !l.contains("listening on")).count(), r.err);
    }

    @Test
    void stdoutClosedByTheConsumerEndsAKeepOpenListenerQuietlyAndItStopsAccepting() throws Exception {
        Result r = listenWithStdout(failing("Broken pipe"), "-k");
        assertEquals(0, r.exit, r.err);
        assertEquals(1, r.err.lines().count(), r.err); // only the -v listening line
        assertThrows(ConnectException.class, () -> connect(r.port).close());
    }

    @Test
    void stdoutClosedByTheConsumerEndsAOneClientListenerQuietly() throws Exception {
        Result r = listenWithStdout(failing("Broken pipe"));
        assertEquals(0, r.exit, r.err);
        assertEquals(1, r.err.lines().count(), r.err);
    }

    private record Result(int exit, String err, int port) {}

    /** A relay listener whose stdout fails; one client sends a line. */
    private static Result listenWithStdout(OutputStream out, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("tcp-listen", "-v"));
        args.addAll(List.of(extra));
        args.addAll(List.of("127.0.0.1", "0"));
        CommandRun run = CommandRun.start(InputStream.nullInputStream(), out, args.toArray(String[]::new));
        int port = run.listeningPort();
        try (Socket c = connect(port)) {
            c.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            assertEquals(-1, c.getInputStream().read());
        }
        int exit = run.exitCode(WAIT);
        String err = run.err
                .text()
                .lines()
                .filter(l -> !l.contains("connection from") && !l.contains("closed"))
                .reduce("", (a, b) -> a + b + "\n");
        return new Result(exit, err, port);
    }

    @Test
    void tcpConnectWhoseStdoutIsClosedByTheConsumerEndsQuietly() throws Exception {
        try (java.net.ServerSocket server = TcpTesting.loopbackServer()) {
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(new byte[100_000]);
                } catch (IOException e) {
                    // the client went away: fine
                }
            });
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Stdio stdio = Stdio.of(
                    InputStream.nullInputStream(),
                    failing("Broken pipe"),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Netkit.commandLine(stdio)
                    .execute("tcp-connect", "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
            assertEquals("", err.toString(StandardCharsets.UTF_8));
            peer.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void isipWhoseStdoutIsClosedEndsQuietlyAndAFullOneIsExitOne() {
        for (String reason : List.of("Broken pipe", "No space left on device")) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Stdio stdio = Stdio.of(
                    InputStream.nullInputStream(), failing(reason), new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Netkit.commandLine(stdio).execute("isip", "1.2.3.4");
            String text = err.toString(StandardCharsets.UTF_8);
            if (reason.equals("Broken pipe")) {
                assertEquals(0, exit, text);
                assertEquals("", text);
            } else {
                assertEquals(1, exit, text);
                assertEquals("netkit: write to stdout: no space left on device\n", text);
            }
        }
    }

    @Test
    void udpListenWhoseStdoutIsClosedEndsQuietlyAtTheNextDatagram() throws Exception {
        CommandRun run = CommandRun.start(
                InputStream.nullInputStream(), failing("Broken pipe"), "udp-listen", "-v", "127.0.0.1", "0");
        String line = run.err.await(l -> l.contains("listening on"), WAIT);
        int port = Integer.parseInt(line.replaceAll(".*:(\\d+).*", "$1"));
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] d = "x\n".getBytes(StandardCharsets.UTF_8);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!run.exit.isDone() && System.nanoTime() < deadline) {
                s.send(new DatagramPacket(d, d.length, InetAddress.getLoopbackAddress(), port));
                Thread.sleep(50);
            }
        }
        assertEquals(0, run.exitCode(WAIT), run.err.text());
        assertTrue(run.err.text().lines().noneMatch(l -> l.contains("pipe")), run.err.text());
    }

    @Test
    @Timeout(90)
    void brokerDisconnectsAClientThatDoesNotReadAndTheOthersGetEverything() throws Exception {
        CommandRun run =
                CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "--broker", "-v", "127.0.0.1", "0");
        int port = run.listeningPort();
        try (Socket deaf = connect(port);
                Socket sender = connect(port);
                Socket reader = connect(port)) {
            deaf.setReceiveBufferSize(4096);
            run.err.await(l -> l.contains("3 open"), WAIT);
            byte[] payload = TcpTesting.random(6 << 20, 17);
            CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                try {
                    return TcpTesting.sha256(reader.getInputStream().readNBytes(payload.length));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            sender.getOutputStream().write(payload);
            assertEquals(TcpTesting.sha256(payload), got.get(60, TimeUnit.SECONDS));
            String closed = run.err.await(l -> l.contains("(id 1)"), WAIT);
            assertTrue(closed.endsWith("(not reading: 1 MiB waiting for it)"), closed);
            assertTrue(
                    run.err.text().contains("netkit: --broker: disconnected a client that did not read for 5s"),
                    run.err.text());
        }
    }

    @Test
    void aZoneThatNamesNoInterfaceIsExitSixNoSuchInterface() {
        for (String[] args : List.of(
                new String[] {"tcp-connect", "fe80::1%nonexist", "80"},
                new String[] {"udp-send", "::1%999", "9", "hi"})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Stdio stdio = Stdio.of(
                    InputStream.nullInputStream(),
                    new ByteArrayOutputStream(),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(6, Netkit.commandLine(stdio).execute(args), String.join(" ", args));
            String zone = args[1].substring(args[1].indexOf('%') + 1);
            assertTrue(
                    err.toString(StandardCharsets.UTF_8)
                            .startsWith("netkit: no such interface: '" + zone + "' in '" + args[1] + "' (known: "),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void outputFileErrorsNameTheSystemsReason() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(
                InputStream.nullInputStream(),
                new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(
                1, Netkit.commandLine(stdio).execute("tcp-connect", "-o", "/nonexistent-dir-xyz/f", "127.0.0.1", "9"));
        assertEquals(
                "netkit: cannot open --output '/nonexistent-dir-xyz/f': No such file or directory\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void udpOverIpv6Carries65527BytesAndIpv4StopsAt65507() throws Exception {
        UdpCommandRun run =
                UdpCommandRun.start(InputStream.nullInputStream(), "udp-listen", "-v", "-c", "1", "::1", "0");
        int port = run.awaitListeningPort();
        byte[] payload = TcpTesting.random(65_527, 3);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(
                new java.io.ByteArrayInputStream(payload),
                new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(
                0,
                Netkit.commandLine(stdio).execute("udp-send", "--chunk", "65527", "::1", String.valueOf(port)),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(0, run.exit.get(20, TimeUnit.SECONDS));
        assertEquals(TcpTesting.sha256(payload), TcpTesting.sha256(run.stdout()));
        ByteArrayOutputStream err4 = new ByteArrayOutputStream();
        Stdio v4 = Stdio.of(
                InputStream.nullInputStream(),
                new ByteArrayOutputStream(),
                new PrintStream(err4, true, StandardCharsets.UTF_8));
        assertEquals(2, Netkit.commandLine(v4).execute("udp-send", "--chunk", "65508", "127.0.0.1", "9"));
        assertEquals(
                "netkit: invalid value for --chunk: '65508' (an IPv4 datagram holds at most 65507 bytes)\n",
                err4.toString(StandardCharsets.UTF_8));
    }
}
