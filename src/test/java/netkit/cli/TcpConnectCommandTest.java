package netkit.cli;

import static netkit.cli.TcpTesting.loopbackServer;
import static netkit.cli.TcpTesting.random;
import static netkit.cli.TcpTesting.readAll;
import static netkit.cli.TcpTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpConnectCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void replySentAfterOurStdinEofIsPrinted() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    byte[] in = readAll(s.getInputStream()); // until our FIN
                    s.getOutputStream().write(bytes("reply after your EOF\n"));
                    return in;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("hello\n")),
                    "tcp-connect",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("hello\n", new String(got.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
            assertEquals("reply after your EOF\n", run.stdout());
            assertEquals("", run.err.text());
        }
    }

    @Test
    void pipedStdinIsSentInFullWhenThePeerHalfClosesFirst() throws Exception {
        byte[] payload = random(8 << 20, 1);
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(bytes("bye"));
                    s.shutdownOutput(); // our FIN comes first
                    return readAll(s.getInputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(payload),
                    "tcp-connect",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals(sha256(payload), sha256(got.get(10, TimeUnit.SECONDS)));
            assertEquals("bye", run.stdout());
        }
    }

    @Test
    void noHalfOpenEndsTheSessionWhenThePeerEnds() throws Exception {
        try (ServerSocket server = loopbackServer();
                PipedOutputStream feed = new PipedOutputStream()) {
            PipedInputStream stdin = new PipedInputStream(feed);
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(bytes("bye"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    stdin, "tcp-connect", "--no-allow-half-open", "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text()); // stdin still open
            assertEquals("bye", run.stdout());
        }
    }

    @Test
    void sixtyFourMebibytesBothWaysArriveIntact() throws Exception {
        byte[] up = random(64 << 20, 2);
        byte[] down = random(64 << 20, 3);
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<String> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                        try {
                            s.getOutputStream().write(down);
                            s.shutdownOutput();
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    String digest = TcpTesting.digestAll(s.getInputStream());
                    writer.get(20, TimeUnit.SECONDS);
                    return digest;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            TcpTesting.DigestSink stdout = new TcpTesting.DigestSink();
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(up),
                    stdout,
                    "tcp-connect",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals(sha256(up), got.get(10, TimeUnit.SECONDS));
            assertEquals(down.length, stdout.count());
            assertEquals(sha256(down), stdout.hex());
        }
    }

    @Test
    void refusedConnectionExitsThree() throws Exception {
        int port;
        try (ServerSocket s = loopbackServer()) {
            port = s.getLocalPort();
        }
        CommandRun run =
                CommandRun.start(InputStream.nullInputStream(), "tcp-connect", "127.0.0.1", String.valueOf(port));
        assertEquals(3, run.exitCode(WAIT));
        assertEquals("netkit: connect to 127.0.0.1:" + port + ": connection refused\n", run.err.text());
    }

    @Test
    void connectTimeoutExitsFour() throws Exception {
        // A backlog of 1 that is never accepted: once full, Linux drops further SYNs on loopback.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 200);
                        fillers.add(s);
                    } catch (java.net.SocketTimeoutException e) {
                        s.close();
                        break; // the queue is full now
                    }
                }
                CommandRun run = CommandRun.start(
                        InputStream.nullInputStream(),
                        "tcp-connect",
                        "-w",
                        "300ms",
                        "127.0.0.1",
                        String.valueOf(server.getLocalPort()));
                assertEquals(4, run.exitCode(WAIT), run.err.text());
                assertTrue(run.err.text().contains("timed out after 300ms"), run.err.text());
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    @Test
    void idleTimeoutExitsFourWhenNothingMoves() throws Exception {
        try (ServerSocket server = loopbackServer();
                PipedOutputStream feed = new PipedOutputStream()) {
            PipedInputStream stdin = new PipedInputStream(feed);
            CompletableFuture<Socket> peer = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            long t0 = System.nanoTime();
            CommandRun run = CommandRun.start(
                    stdin, "tcp-connect", "-i", "400ms", "127.0.0.1", String.valueOf(server.getLocalPort()));
            assertEquals(4, run.exitCode(WAIT), run.err.text());
            assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(400));
            assertTrue(run.err.text().contains("idle timeout"), run.err.text());
            peer.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void trafficInEitherDirectionResetsTheIdleTimer() throws Exception {
        try (ServerSocket server = loopbackServer();
                PipedOutputStream feed = new PipedOutputStream()) {
            PipedInputStream stdin = new PipedInputStream(feed);
            CompletableFuture<Void> peer = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    for (int i = 0; i < 6; i++) { // 6 × 150ms of trickle, longer than the 400ms idle limit
                        s.getOutputStream().write('.');
                        Thread.sleep(150); // pacing the peer, not waiting for a result
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    stdin,
                    "tcp-connect",
                    "-i",
                    "400ms",
                    "--no-allow-half-open",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("......", run.stdout());
            peer.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void badPortAndDurationAreUsageErrors() throws Exception {
        CommandRun run = CommandRun.start(InputStream.nullInputStream(), "tcp-connect", "127.0.0.1", "70000");
        assertEquals(2, run.exitCode(WAIT));
        assertEquals("netkit: invalid value for PORT: '70000' (expected 1-65535)\n", run.err.text());
        run = CommandRun.start(InputStream.nullInputStream(), "tcp-connect", "-w", "5x", "127.0.0.1", "80");
        assertEquals(2, run.exitCode(WAIT));
        assertTrue(run.err.text().startsWith("netkit: invalid value for --connect-timeout: '5x'"), run.err.text());
        run = CommandRun.start(InputStream.nullInputStream(), "tcp-connect", "--stdin-eof=later", "127.0.0.1", "80");
        assertEquals(2, run.exitCode(WAIT));
        assertTrue(run.err.text().startsWith("netkit: invalid value for --stdin-eof: 'later'"), run.err.text());
        run = CommandRun.start(
                InputStream.nullInputStream(), "tcp-connect", "--send-only", "--recv-only", "127.0.0.1", "80");
        assertEquals(2, run.exitCode(WAIT));
    }

    @Test
    void crlfIsNeverDoubledAlsoAcrossSplitReads() throws Exception {
        try (ServerSocket server = loopbackServer();
                PipedOutputStream feed = new PipedOutputStream()) {
            PipedInputStream stdin = new PipedInputStream(feed);
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run =
                    CommandRun.start(stdin, "tcp-connect", "-C", "127.0.0.1", String.valueOf(server.getLocalPort()));
            try (Socket s = accepted.get(10, TimeUnit.SECONDS)) {
                feed.write(bytes("a\r"));
                feed.flush();
                byte[] first = s.getInputStream().readNBytes(2); // "a\r" went out alone
                feed.write(bytes("\nb\nc\r\n"));
                feed.close();
                byte[] rest = readAll(s.getInputStream());
                assertEquals(
                        "a\r\nb\r\nc\r\n",
                        new String(first, StandardCharsets.US_ASCII) + new String(rest, StandardCharsets.US_ASCII));
            }
            assertEquals(0, run.exitCode(WAIT), run.err.text());
        }
    }

    @Test
    void stdinEofCloseEndsAtOnceAndKeepSendsNoFin() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    return readAll(s.getInputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("x")),
                    "tcp-connect",
                    "--stdin-eof=close",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("x", new String(got.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
        }
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<Integer> firstRead = new CompletableFuture<>();
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(500);
                    int a = s.getInputStream().read(); // 'x'
                    try {
                        firstRead.complete(a == 'x' ? s.getInputStream().read() : -2);
                    } catch (java.net.SocketTimeoutException e) {
                        firstRead.complete(-3); // no FIN within 500ms: the connection is kept
                    }
                    s.getOutputStream().write(bytes("done"));
                } catch (Exception e) {
                    firstRead.completeExceptionally(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("x")),
                    "tcp-connect",
                    "--stdin-eof=keep",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(-3, firstRead.get(10, TimeUnit.SECONDS));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("done", run.stdout());
        }
    }

    @Test
    void quitAfterEndsTheSessionWhileThePeerStaysOpen() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<Socket> peer = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("x")),
                    "tcp-connect",
                    "-q",
                    "200ms",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            peer.get(5, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void verboseLinesAndJsonEventsGoToStderr() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    readAll(s.getInputStream());
                    s.getOutputStream().write(bytes("12345"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            String port = String.valueOf(server.getLocalPort());
            CommandRun run =
                    CommandRun.start(new ByteArrayInputStream(bytes("abc")), "tcp-connect", "-v", "127.0.0.1", port);
            assertEquals(0, run.exitCode(WAIT));
            String[] lines = run.err.text().split("\n");
            assertEquals("netkit: connected to 127.0.0.1:" + port, lines[0]);
            assertTrue(lines[1].matches("netkit: closed: 3 bytes sent, 5 bytes received in \\d+\\.\\d\\d s"), lines[1]);
        }
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    readAll(s.getInputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            String port = String.valueOf(server.getLocalPort());
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("abc")), "tcp-connect", "--json", "127.0.0.1", port);
            assertEquals(0, run.exitCode(WAIT));
            String[] lines = run.err.text().split("\n");
            assertTrue(
                    lines[0].startsWith("{\"event\":\"connected\",\"address\":\"127.0.0.1\",\"port\":" + port
                            + ",\"family\":\"IPv4\","),
                    lines[0]);
            assertTrue(
                    lines[1].matches(
                            "\\{\"event\":\"close\",\"id\":1,\"bytesRead\":0,\"bytesWritten\":3,\"ms\":\\d+,\"hadError\":false}"),
                    lines[1]);
            assertEquals("", run.stdout());
        }
    }

    @Test
    void hexdumpLogsBothDirectionsWithOffsets() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    readAll(s.getInputStream());
                    s.getOutputStream().write(bytes("pong"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("ping")),
                    "tcp-connect",
                    "-x",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT));
            String err = run.err.text();
            assertTrue(
                    err.matches("(?s)> \\S+ 4 bytes at offset 0\n00000000  70 69 6e 67 .*\\|ping\\|\n"
                            + "< \\S+ 4 bytes at offset 0\n00000000  70 6f 6e 67 .*\\|pong\\|\n"),
                    err);
            assertEquals("pong", run.stdout());
        }
    }

    @Test
    void outputFileGetsTheReceivedBytesAndStdoutNothing() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("netkit", ".out");
        try (ServerSocket server = loopbackServer()) {
            java.nio.file.Files.writeString(file, "old;");
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(bytes("new"));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    InputStream.nullInputStream(),
                    "tcp-connect",
                    "-o",
                    file.toString(),
                    "--append",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("old;new", java.nio.file.Files.readString(file));
            assertEquals("", run.stdout());
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void recvOnlyNeverReadsStdinAndSendOnlyDiscardsWhatArrives() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(bytes("data"));
                    s.shutdownOutput();
                    return readAll(s.getInputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("never sent")),
                    "tcp-connect",
                    "--recv-only",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("data", run.stdout());
            assertArrayEquals(new byte[0], got.get(10, TimeUnit.SECONDS));
        }
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(bytes("ignored"));
                    return readAll(s.getInputStream());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(bytes("sent")),
                    "tcp-connect",
                    "--send-only",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            assertEquals("", run.stdout());
            assertEquals("sent", new String(got.get(10, TimeUnit.SECONDS), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void progressAlwaysDrawsALineWithBothCountsAndKeepaliveOptionsAreAccepted() throws Exception {
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    readAll(s.getInputStream());
                    s.getOutputStream().write(new byte[2048]);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    new ByteArrayInputStream(new byte[3000]),
                    "tcp-connect",
                    "--progress=always",
                    "--keepalive=30s",
                    "--keepalive-interval",
                    "5s",
                    "--keepalive-count",
                    "3",
                    "--nodelay",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(0, run.exitCode(WAIT), run.err.text());
            String err = run.err.text();
            assertTrue(
                    err.startsWith("\r\u001b[K") && err.endsWith("/s)\n"),
                    err); // redrawn in place, ends on its own line
            String last = err.substring(err.lastIndexOf("\u001b[K") + 3);
            assertTrue(
                    last.matches("netkit: sent 2\\.93 KiB \\([^)]+/s\\), received 2\\.00 KiB \\([^)]+/s\\)\n"), last);
        }
        CommandRun run = CommandRun.start(InputStream.nullInputStream(), "tcp-connect", "--progress", "127.0.0.1", "1");
        assertEquals(3, run.exitCode(WAIT));
        assertEquals("netkit: connect to 127.0.0.1:1: connection refused\n", run.err.text()); // not a terminal: no line
    }

    @Test
    void sourceAddressAndPortAreBoundBeforeConnectingAndABusyOneExitsSix() throws Exception {
        int sourcePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2"))) {
            sourcePort = probe.getLocalPort(); // free now, and on 127.0.0.2 only
        }
        try (ServerSocket server = loopbackServer()) {
            CompletableFuture<InetSocketAddress> peer = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept()) {
                    return (InetSocketAddress) s.getRemoteSocketAddress();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun run = CommandRun.start(
                    InputStream.nullInputStream(),
                    "tcp-connect",
                    "-s",
                    "127.0.0.2",
                    "-p",
                    String.valueOf(sourcePort),
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            InetSocketAddress from = peer.get(10, TimeUnit.SECONDS);
            assertEquals("127.0.0.2", from.getAddress().getHostAddress());
            assertEquals(sourcePort, from.getPort());
            assertEquals(0, run.exitCode(WAIT), run.err.text());
        }
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ServerSocket server = loopbackServer()) {
            CommandRun run = CommandRun.start(
                    InputStream.nullInputStream(),
                    "tcp-connect",
                    "-s",
                    "127.0.0.1",
                    "-p",
                    String.valueOf(busy.getLocalPort()),
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            assertEquals(6, run.exitCode(WAIT));
            assertEquals(
                    "netkit: bind 127.0.0.1:" + busy.getLocalPort() + ": address already in use\n", run.err.text());
        }
    }
}
