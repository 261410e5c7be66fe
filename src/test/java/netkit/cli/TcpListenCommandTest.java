package netkit.cli;

import static netkit.cli.TcpTesting.random;
import static netkit.cli.TcpTesting.readAll;
import static netkit.cli.TcpTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpListenCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Socket connect(String host, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 5000);
        s.setSoTimeout(20_000); // a blocking read is not interrupted by @Timeout: fail instead of hanging
        return s;
    }

    @Test
    void oneShotServesOneClientThenExitsAndReportsTheRealPort() throws Exception {
        CommandRun run =
                CommandRun.start(new ByteArrayInputStream(bytes("hi client\n")), "tcp-listen", "-v", "127.0.0.1", "0");
        int port = run.listeningPort();
        assertTrue(port > 0);
        try (Socket c = connect("127.0.0.1", port)) {
            c.getOutputStream().write(bytes("hi server\n"));
            c.shutdownOutput();
            assertEquals("hi client\n", new String(readAll(c.getInputStream()), StandardCharsets.UTF_8));
        }
        assertEquals(0, run.exitCode(WAIT), run.err.text());
        assertEquals("hi server\n", run.stdout());
        String[] lines = run.err.text().split("\n");
        assertEquals("netkit: listening on 127.0.0.1:" + port, lines[0]);
        assertTrue(lines[1].startsWith("netkit: connection from 127.0.0.1:"), lines[1]);
        assertTrue(lines[2].matches("netkit: closed: 10 bytes sent, 10 bytes received in \\d+\\.\\d\\d s"), lines[2]);
    }

    @Test
    void oneShotAcceptsNoSecondClientMeanwhile() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run = CommandRun.start(new PipedInputStream(feed), "tcp-listen", "-v", "127.0.0.1", "0");
            int port = run.listeningPort();
            try (Socket first = connect("127.0.0.1", port)) {
                run.err.await(l -> l.contains("connection from"), WAIT);
                assertThrows(
                        ConnectException.class, () -> connect("127.0.0.1", port).close());
                first.getOutputStream().write(bytes("one"));
                first.shutdownOutput();
                feed.close();
                readAll(first.getInputStream());
            }
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("one", run.stdout());
        }
    }

    @Test
    void keepOpenSendsStdinToEveryClientAndMergesWhatTheySend() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run = CommandRun.start(new PipedInputStream(feed), "tcp-listen", "-k", "-v", "127.0.0.1", "0");
            int port = run.listeningPort();
            try (Socket a = connect("127.0.0.1", port);
                    Socket b = connect("127.0.0.1", port)) {
                run.err.await(l -> l.contains("2 open"), WAIT);
                feed.write(bytes("to all\n"));
                feed.flush();
                assertEquals("to all\n", new String(a.getInputStream().readNBytes(7), StandardCharsets.UTF_8));
                assertEquals("to all\n", new String(b.getInputStream().readNBytes(7), StandardCharsets.UTF_8));
                a.getOutputStream().write(bytes("from a\n"));
                ((CommandRun.SyncBytes) run.out).await(t -> t.contains("from a\n"), WAIT);
                b.getOutputStream().write(bytes("from b\n"));
                ((CommandRun.SyncBytes) run.out).await(t -> t.contains("from b\n"), WAIT);
            }
            assertEquals("from a\nfrom b\n", run.stdout());
            run.err.await(l -> l.contains("closed 127.0.0.1:") && l.contains("(id 2)"), WAIT);
            assertTrue(run.err.text().contains("(id 1, 1 open)"), run.err.text());
            assertTrue(run.exit.isDone() == false, "-k keeps listening");
        }
    }

    @Test
    void dualStackByDefaultAcceptsIpv4AndIpv6Clients() throws Exception {
        CommandRun run = CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "-k", "-v", "0");
        int port = run.listeningPort();
        assertTrue(run.err.text().startsWith("netkit: listening on [::]:" + port), run.err.text());
        for (String host : new String[] {"127.0.0.1", "::1"}) {
            try (Socket c = connect(host, port)) {
                c.getOutputStream().write(bytes(host + ";"));
                c.shutdownOutput();
                readAll(c.getInputStream());
            }
        }
        // stdin is empty, so each client gets our FIN at once and may finish before we read its bytes:
        // the two chunks can arrive in either order
        ((CommandRun.SyncBytes) run.out).await(t -> t.equals("127.0.0.1;::1;") || t.equals("::1;127.0.0.1;"), WAIT);
        assertTrue(run.err.await(l -> l.contains("connection from [::1]:"), WAIT) != null);
    }

    @Test
    void outputFileGetsEveryClientsBytesNothingLost() throws Exception {
        Path file = Files.createTempFile("netkit", ".out");
        try {
            CommandRun run = CommandRun.start(
                    InputStream.nullInputStream(), "tcp-listen", "-k", "-v", "-o", file.toString(), "127.0.0.1", "0");
            int port = run.listeningPort();
            byte[] a = random(3 << 20, 7);
            byte[] b = random(3 << 20, 8);
            CompletableFuture<Void> sa = CompletableFuture.runAsync(() -> send(port, a));
            CompletableFuture<Void> sb = CompletableFuture.runAsync(() -> send(port, b));
            sa.get(20, TimeUnit.SECONDS);
            sb.get(20, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (Files.size(file) < a.length + b.length && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(a.length + b.length, Files.size(file));
            assertEquals("", run.stdout());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void send(int port, byte[] data) {
        try (Socket s = connect("127.0.0.1", port)) {
            s.getOutputStream().write(data);
            s.shutdownOutput();
            readAll(s.getInputStream()); // until the listener closes: everything was taken
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void sixtyFourMebibytesBothWaysThroughTheListener() throws Exception {
        byte[] up = random(64 << 20, 4);
        byte[] down = random(64 << 20, 5);
        TcpTesting.DigestSink stdout = new TcpTesting.DigestSink();
        CommandRun run = CommandRun.start(new ByteArrayInputStream(down), stdout, "tcp-listen", "-v", "127.0.0.1", "0");
        int port = run.listeningPort();
        try (Socket c = connect("127.0.0.1", port)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    c.getOutputStream().write(up);
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            assertEquals(sha256(down), TcpTesting.digestAll(c.getInputStream()));
            writer.get(20, TimeUnit.SECONDS);
        }
        assertEquals(0, run.exitCode(WAIT), run.err.text());
        assertEquals(up.length, stdout.count());
        assertEquals(sha256(up), stdout.hex());
    }

    @Test
    void jsonEventsCarryIdsOpenCountAndCounters() throws Exception {
        CommandRun run =
                CommandRun.start(new ByteArrayInputStream(bytes("yo")), "tcp-listen", "--json", "127.0.0.1", "0");
        String listening = run.err.await(l -> l.contains("listening"), WAIT);
        int port = Integer.parseInt(listening.replaceAll(".*\"port\":(\\d+).*", "$1"));
        assertEquals(
                "{\"event\":\"listening\",\"address\":\"127.0.0.1\",\"port\":" + port + ",\"family\":\"IPv4\"}",
                listening);
        try (Socket c = connect("127.0.0.1", port)) {
            c.getOutputStream().write(bytes("abc"));
            c.shutdownOutput();
            readAll(c.getInputStream());
        }
        assertEquals(0, run.exitCode(WAIT));
        String[] lines = run.err.text().split("\n");
        assertTrue(
                lines[1].matches("\\{\"event\":\"connection\",\"id\":1,\"address\":\"127.0.0.1\",\"port\":\\d+,"
                        + "\"family\":\"IPv4\",\"connections\":1}"),
                lines[1]);
        assertTrue(
                lines[2].matches("\\{\"event\":\"close\",\"id\":1,\"bytesRead\":3,\"bytesWritten\":2,\"ms\":\\d+,"
                        + "\"hadError\":false}"),
                lines[2]);
    }

    @Test
    void bindFailureExitsSixAndBadPortTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CommandRun run = CommandRun.start(
                    InputStream.nullInputStream(), "tcp-listen", "127.0.0.1", String.valueOf(taken.getLocalPort()));
            assertEquals(6, run.exitCode(WAIT));
            assertEquals(
                    "netkit: bind 127.0.0.1:" + taken.getLocalPort() + ": address already in use\n", run.err.text());
        }
        CommandRun run = CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "65536");
        assertEquals(2, run.exitCode(WAIT));
        assertEquals("netkit: invalid value for PORT: '65536' (expected 0-65535)\n", run.err.text());
    }

    @Test
    void idleClientEndsAOneShotListenerWithExitFour() throws Exception {
        try (PipedOutputStream feed = new PipedOutputStream()) {
            CommandRun run =
                    CommandRun.start(new PipedInputStream(feed), "tcp-listen", "-v", "-i", "300ms", "127.0.0.1", "0");
            int port = run.listeningPort();
            try (Socket c = connect("127.0.0.1", port)) {
                assertEquals(4, run.exitCode(WAIT), run.err.text());
                assertEquals(-1, c.getInputStream().read());
            }
        }
    }

    @Test
    void familyFlagsBindTheMatchingWildcard() throws Exception {
        CommandRun v4 = CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "-4", "-k", "-v", "0");
        int port4 = v4.listeningPort();
        assertTrue(v4.err.text().startsWith("netkit: listening on 0.0.0.0:" + port4), v4.err.text());
        CommandRun v6 = CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "-6", "-k", "-v", "0");
        int port6 = v6.listeningPort();
        assertTrue(v6.err.text().startsWith("netkit: listening on [::]:" + port6), v6.err.text());
        // IPV6_V6ONLY: the kernel refuses IPv4 clients (on Java 21 they are accepted and closed at once instead)
        assertThrows(ConnectException.class, () -> connect("127.0.0.1", port6).close());
        try (Socket c = connect("::1", port6)) {
            v6.err.await(l -> l.contains("connection from [::1]:"), WAIT);
        }
        CommandRun both = CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "-4", "-6", "0");
        assertEquals(2, both.exitCode(WAIT));
    }
}
