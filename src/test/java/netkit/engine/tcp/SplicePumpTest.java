package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.sys.Descriptors;
import netkit.sys.ZeroCopy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-copy relay on real loopback sockets, with real pipes and files as stdin/stdout: byte-exact
 * (SHA-256) in both directions, the fast path counted as taken ({@link Connection#bytesWrittenDirectly},
 * {@link Connection#bytesReadDirectly}) or not taken (-x, -C, a pipe on stdin, {@code -Dnetkit.zeroCopy=off}),
 * half-close, output errors and closing while a pump waits in the kernel.
 */
@Timeout(60)
class SplicePumpTest {
    private static final int SIZE = 6 << 20;
    /** A thread per task: the common pool has one thread on two cores, and these tasks block. */
    private static final java.util.concurrent.Executor EXEC =
            r -> Thread.ofPlatform().daemon().start(r);

    @TempDir
    Path dir;

    @BeforeAll
    static void linux() {
        assumeTrue(ZeroCopy.available(), "zero-copy needs Linux and native access");
    }

    private record Pair(Connection ours, Socket theirs) {}

    private static Pair pair(ServerSocket server) throws Exception {
        SocketChannel ch =
                SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
        return new Pair(new Connection(1, new netkit.engine.stream.SocketTransport(ch), new Totals()), server.accept());
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static byte[] sha(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }

    /** The descriptor number this process has open on {@code file} (the JDK does not tell a FileChannel's). */
    private static int fdOf(Path file) throws IOException {
        Path real = file.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(p).equals(real)) {
                        return Integer.parseInt(p.getFileName().toString());
                    }
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        }
        throw new IOException("no descriptor open on " + file);
    }

    private static void withProperty(String value, ThrowingRunnable body) throws Exception {
        String old = System.getProperty("netkit.zeroCopy");
        if (value == null) {
            System.clearProperty("netkit.zeroCopy");
        } else {
            System.setProperty("netkit.zeroCopy", value);
        }
        try {
            body.run();
        } finally {
            if (old == null) {
                System.clearProperty("netkit.zeroCopy");
            } else {
                System.setProperty("netkit.zeroCopy", old);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @FunctionalInterface
    private interface PipeCheck {
        void accept(Pipe pipe) throws Exception;
    }

    /** Relays what the peer of {@code p} sends into {@code out}, without stdin (the peer decides the end). */
    private static Session relayInto(Pair p, Pipe out, TrafficTap tap) {
        return Relay.start(
                p.ours(),
                null,
                -1,
                SessionOptions.defaults(),
                DataSink.to(out.sink(), "the output", Descriptors.fd(out.sink())),
                tap);
    }

    /** The peer sends {@code data} and closes; we relay it into a pipe read by a digest. */
    private static Connection receiveIntoPipe(byte[] data, TrafficTap tap) throws Exception {
        return receiveIntoPipe(data, tap, out -> {});
    }

    /** {@link #receiveIntoPipe(byte[], TrafficTap)}, then {@code check} looks at the output pipe before it closes. */
    private static Connection receiveIntoPipe(byte[] data, TrafficTap tap, PipeCheck check) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Pair p = pair(server);
            Pipe out = Pipe.open();
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(
                    () -> {
                        try (InputStream in = Channels.newInputStream(out.source())) {
                            return sha(in);
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            CompletableFuture.runAsync(
                    () -> {
                        try (Socket s = p.theirs()) {
                            s.getOutputStream().write(data);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            Outcome o = relayInto(p, out, tap).done().get(30, TimeUnit.SECONDS);
            check.accept(out);
            out.sink().close();
            assertEquals(Outcome.CLOSED, o);
            assertArrayEquals(sha(data), got.get(30, TimeUnit.SECONDS));
            assertEquals(data.length, p.ours().bytesRead());
            return p.ours();
        }
    }

    @Test
    @Timeout(30)
    void aBulkStreamThatPausesDeliversItsTailWithoutWaitingForMore() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Pair p = pair(server);
            Pipe out = Pipe.open();
            Session relay = relayInto(p, out, TrafficTap.NONE);
            byte[] bulk = random(8 << 20, 31); // bulk: the socket's low-water mark goes up
            byte[] tail = "a short tail, then nothing\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            InputStream in = Channels.newInputStream(out.source());
            java.io.OutputStream peer = p.theirs().getOutputStream();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(
                    () -> {
                        try {
                            peer.write(bulk);
                            peer.flush();
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            assertArrayEquals(sha(bulk), sha(in.readNBytes(bulk.length)));
            sent.get(30, TimeUnit.SECONDS);
            peer.write(tail);
            peer.flush();
            // far less than the low-water mark is queued and nothing follows: it must come out all the same
            // (the test's timeout fails it when it is stranded)
            assertArrayEquals(tail, in.readNBytes(tail.length));
            assertTrue(p.ours().bytesReadDirectly() > 0, "the splice path was not taken");
            p.theirs().close();
            assertEquals(Outcome.CLOSED, relay.done().get(30, TimeUnit.SECONDS));
            out.sink().close();
        }
    }

    @Test
    void socketToAPipeIsSplicedByteExact() throws Exception {
        Connection c = receiveIntoPipe(random(SIZE, 1), TrafficTap.NONE);
        assertEquals(SIZE, c.bytesReadDirectly());
    }

    /** A one-client listener (tcp-listen without -k) relays what one client sends into {@code guard}. */
    private static Connection listenOnce(byte[] data, OutputGuard guard, Outcome expected) throws Exception {
        RelayHandler relay =
                new RelayHandler(null, SessionOptions.defaults(), guard, TrafficTap.NONE, TcpEvents.NONE, true);
        CompletableFuture<Connection> served = new CompletableFuture<>();
        ListenOptions options = ListenOptions.builder()
                .address(InetAddress.getLoopbackAddress())
                .port(0)
                .build();
        try (Listener l = Listener.bind(options, TcpEvents.NONE, new Totals())) {
            guard.onFailure(l::close);
            CompletableFuture<Outcome> outcome = CompletableFuture.supplyAsync(
                    () -> l.serve(c -> {
                        served.complete(c);
                        return relay.serve(c);
                    }),
                    EXEC);
            try (Socket s =
                    new Socket(InetAddress.getLoopbackAddress(), l.local().port())) {
                try {
                    s.getOutputStream().write(data);
                } catch (IOException e) {
                    // the listener stopped reading (its output failed): the outcome says why
                }
            }
            Outcome o = outcome.get(30, TimeUnit.SECONDS);
            if (expected != null) {
                assertEquals(expected, o);
            }
        }
        return served.get(30, TimeUnit.SECONDS);
    }

    /**
     * A one-client listener writes through the {@link OutputGuard} that watches its output; the guard hands
     * its descriptor on, so the client's bytes are spliced into the output pipe.
     */
    @Test
    void aOneClientListenerSplicesThroughItsOutputGuardByteExact() throws Exception {
        byte[] data = random(SIZE, 21);
        Pipe out = Pipe.open();
        CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(
                () -> {
                    try (InputStream in = Channels.newInputStream(out.source())) {
                        return sha(in);
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                },
                EXEC);
        OutputGuard guard = new OutputGuard(DataSink.to(out.sink(), "stdout", Descriptors.fd(out.sink())));
        Connection c = listenOnce(data, guard, Outcome.CLOSED);
        out.sink().close();
        assertArrayEquals(sha(data), got.get(30, TimeUnit.SECONDS));
        assertEquals(SIZE, c.bytesRead());
        assertEquals(SIZE, c.bytesReadDirectly());
        guard.rethrow();
    }

    /**
     * When the consumer of the listener's output goes away ({@code | head}), the splice fails with EPIPE and
     * the guard learns of it as on the buffer path: the listener stops, and the command ends quietly (exit 0).
     */
    @Test
    void aOneClientListenerWhoseOutputIsClosedStopsQuietly() throws Exception {
        Pipe out = Pipe.open();
        out.source().close();
        OutputGuard guard = new OutputGuard(DataSink.to(out.sink(), "stdout", Descriptors.fd(out.sink())));
        listenOnce(random(SIZE, 22), guard, null);
        out.sink().close();
        NetkitException e = assertThrows(NetkitException.class, guard::rethrow);
        assertEquals("EPIPE", e.code());
        assertTrue(e.quiet());
        assertEquals(ExitCode.OK, e.exitCode());
    }

    @Test
    void aHexDumpTapSeesEveryChunkSoNothingIsSpliced() throws Exception {
        long[] seen = new long[1];
        Connection c = receiveIntoPipe(random(SIZE, 2), new TrafficTap() {
            @Override
            public void received(Connection from, ByteBuffer data) {
                seen[0] += data.remaining();
            }
        });
        assertEquals(0, c.bytesReadDirectly());
        assertEquals(SIZE, seen[0]);
    }

    @Test
    void forcedOffTakesTheBufferPathByteExact() throws Exception {
        withProperty(
                "off",
                () -> assertEquals(
                        0, receiveIntoPipe(random(SIZE, 3), TrafficTap.NONE).bytesReadDirectly()));
    }

    @Test
    void socketToARegularFileGoesThroughOurPipeByteExact() throws Exception {
        byte[] data = random(SIZE, 4);
        Path file = dir.resolve("out.bin");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                FileOutputStream fo = new FileOutputStream(file.toFile())) {
            Pair p = pair(server);
            CompletableFuture.runAsync(
                    () -> {
                        try (Socket s = p.theirs()) {
                            s.getOutputStream().write(data);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            Outcome o = Relay.start(
                            p.ours(),
                            null,
                            -1,
                            SessionOptions.defaults(),
                            DataSink.to(fo.getChannel(), "the output", fdOf(file)),
                            TrafficTap.NONE)
                    .done()
                    .get(30, TimeUnit.SECONDS);
            assertEquals(Outcome.CLOSED, o);
            assertEquals(SIZE, p.ours().bytesReadDirectly());
        }
        assertArrayEquals(sha(data), sha(Files.readAllBytes(file)));
    }

    @Test
    void anOutputThatFailsEndsTheSessionWithTheBufferPathsError() throws Exception {
        String zeroCopy = fullOutputError(null);
        String buffered = fullOutputError("off");
        assertEquals(buffered, zeroCopy);
        assertTrue(zeroCopy.contains("write to the output: no space left on device"), zeroCopy);
    }

    private String fullOutputError(String property) throws Exception {
        String[] message = new String[1];
        withProperty(property, () -> {
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                    FileOutputStream full = new FileOutputStream("/dev/full")) {
                Pair p = pair(server);
                CompletableFuture.runAsync(
                        () -> {
                            try (Socket s = p.theirs()) {
                                s.getOutputStream().write(new byte[1 << 20]);
                            } catch (IOException ignored) {
                                // we close on the error: a reset is fine
                            }
                        },
                        EXEC);
                Outcome o = Relay.start(
                                p.ours(),
                                null,
                                -1,
                                SessionOptions.defaults(),
                                DataSink.to(full.getChannel(), "the output", fdOf(Path.of("/dev/full"))),
                                TrafficTap.NONE)
                        .done()
                        .get(30, TimeUnit.SECONDS);
                assertEquals(Outcome.Kind.ERROR, o.kind());
                message[0] = o.error().getMessage();
            }
        });
        return message[0];
    }

    /**
     * Stdin a regular file: sendfile; at its end the --stdin-eof policy half-closes (FIN), and the peer,
     * which saw our EOF, still answers before it closes.
     */
    @Test
    void aRegularFileIsSentWithSendfileThenHalfClosedWhileTheAnswerStillArrives() throws Exception {
        byte[] data = random(SIZE, 5);
        Path file = Files.write(dir.resolve("in.bin"), data);
        byte[] answer = "got it\n".getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                FileInputStream in = new FileInputStream(file.toFile())) {
            Pair p = pair(server);
            CompletableFuture<byte[]> peer = CompletableFuture.supplyAsync(
                    () -> {
                        try (Socket s = p.theirs()) {
                            byte[] h = sha(s.getInputStream()); // until our FIN
                            s.getOutputStream().write(answer);
                            return h;
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            Pipe out = Pipe.open();
            Session s = Relay.start(
                    p.ours(),
                    in.getChannel(),
                    fdOf(file),
                    SessionOptions.defaults(),
                    DataSink.to(out.sink(), "the output", Descriptors.fd(out.sink())),
                    TrafficTap.NONE);
            assertEquals(Outcome.CLOSED, s.done().get(30, TimeUnit.SECONDS));
            assertArrayEquals(sha(data), peer.get(30, TimeUnit.SECONDS));
            out.sink().close();
            assertArrayEquals(answer, Channels.newInputStream(out.source()).readAllBytes());
            assertEquals(SIZE, p.ours().bytesWritten());
            assertEquals(SIZE, p.ours().bytesWrittenDirectly());
            assertTrue(p.ours().outputShut());
        }
    }

    /** Sends a pipe's contents; returns the connection for its counts. */
    private static Connection sendFromPipe(byte[] data, boolean crlf) throws Exception {
        return sendFromPipe(data, crlf, in -> {});
    }

    /** {@link #sendFromPipe(byte[], boolean)}, then {@code check} looks at the input pipe before it closes. */
    private static Connection sendFromPipe(byte[] data, boolean crlf, PipeCheck check) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Pair p = pair(server);
            Pipe in = Pipe.open();
            CompletableFuture.runAsync(
                    () -> {
                        try (var sink = in.sink()) {
                            ByteBuffer b = ByteBuffer.wrap(data);
                            while (b.hasRemaining()) {
                                sink.write(b);
                            }
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            CompletableFuture<byte[]> peer = CompletableFuture.supplyAsync(
                    () -> {
                        try (Socket s = p.theirs()) {
                            return sha(s.getInputStream());
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    },
                    EXEC);
            SessionOptions options = new SessionOptions(null, StdinEofPolicy.SHUTDOWN, null, true, Traffic.BOTH, crlf);
            Session s = Relay.start(
                    p.ours(), in.source(), Descriptors.fd(in.source()), options, DataSink.discard(), TrafficTap.NONE);
            assertEquals(Outcome.CLOSED, s.done().get(30, TimeUnit.SECONDS));
            if (!crlf) {
                assertArrayEquals(sha(data), peer.get(30, TimeUnit.SECONDS));
                assertEquals(data.length, p.ours().bytesWritten());
            }
            check.accept(in);
            in.source().close();
            return p.ours();
        }
    }

    @Test
    void aStdinPipeTakesTheBufferPathByDefaultAndIsSplicedWithAll() throws Exception {
        assertEquals(0, sendFromPipe(random(SIZE, 6), false).bytesWrittenDirectly());
        withProperty(
                "all",
                () -> assertEquals(SIZE, sendFromPipe(random(SIZE, 7), false).bytesWrittenDirectly()));
    }

    /**
     * A pipe on stdin or stdout is enlarged from the kernel's 64 KiB to 256 KiB (fewer wake-ups between
     * netkit and the program at the other end), on the buffer path too, and the bytes stay exact;
     * {@code -Dnetkit.pipeSize=0} leaves the pipes alone.
     */
    @Test
    void stdinAndStdoutPipesAreEnlargedAndTheBytesStayExact() throws Exception {
        assumeTrue(
                // Files.readString returned "1" for this size-0 /proc file on JDK 25
                Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/fs/pipe-max-size"))
                                .get(0)
                                .trim())
                        >= 256 * 1024,
                "fs.pipe-max-size below 256 KiB");
        int enlarged = 256 * 1024;
        sendFromPipe(
                random(SIZE, 11), false, in -> assertEquals(enlarged, ZeroCopy.pipeSize(Descriptors.fd(in.source()))));
        withProperty(
                "all",
                () -> sendFromPipe(
                        random(SIZE, 12),
                        false,
                        in -> assertEquals(enlarged, ZeroCopy.pipeSize(Descriptors.fd(in.source())))));
        receiveIntoPipe(
                random(SIZE, 13),
                TrafficTap.NONE,
                out -> assertEquals(enlarged, ZeroCopy.pipeSize(Descriptors.fd(out.sink()))));

        System.setProperty("netkit.pipeSize", "0");
        try {
            sendFromPipe(
                    random(SIZE, 14), false, in -> assertEquals(65536, ZeroCopy.pipeSize(Descriptors.fd(in.source()))));
            receiveIntoPipe(
                    random(SIZE, 15),
                    TrafficTap.NONE,
                    out -> assertEquals(65536, ZeroCopy.pipeSize(Descriptors.fd(out.sink()))));
        } finally {
            System.clearProperty("netkit.pipeSize");
        }
    }

    /** A pipe that is larger already is never shrunk. */
    @Test
    void aLargerPipeIsNeverShrunk() throws Exception {
        Pipe p = Pipe.open();
        try {
            int fd = Descriptors.fd(p.sink());
            assertEquals(65536, ZeroCopy.pipeSize(fd));
            assertEquals(512 * 1024, ZeroCopy.growPipe(fd, 512 * 1024));
            assertEquals(512 * 1024, ZeroCopy.growPipe(fd, 256 * 1024));
            assertEquals(512 * 1024, ZeroCopy.pipeSize(fd));
        } finally {
            p.sink().close();
            p.source().close();
        }
    }

    @Test
    void crlfOnWhatWeSendIsNeverSpliced() throws Exception {
        withProperty("all", () -> {
            Connection c = sendFromPipe("a\nb\n".repeat(1000).getBytes(StandardCharsets.US_ASCII), true);
            assertEquals(0, c.bytesWrittenDirectly());
            assertEquals(6000, c.bytesWritten());
        });
    }

    /**
     * The idle timeout ends a session whose pumps wait in poll (nothing to read, stdin a silent pipe): they
     * wake, let go of their duplicate of the socket, and the peer sees the connection closed.
     */
    @Test
    void closingWhileThePumpsWaitReleasesTheSocket() throws Exception {
        withProperty("all", () -> {
            try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                Pair p = pair(server);
                Pipe in = Pipe.open(); // never written to
                Pipe out = Pipe.open();
                SessionOptions options = new SessionOptions(
                        Duration.ofMillis(300), StdinEofPolicy.SHUTDOWN, null, true, Traffic.BOTH, false);
                Session s = Relay.start(
                        p.ours(),
                        in.source(),
                        Descriptors.fd(in.source()),
                        options,
                        DataSink.to(out.sink(), "the output", Descriptors.fd(out.sink())),
                        TrafficTap.NONE);
                assertEquals(Outcome.IDLE_TIMEOUT, s.done().get(30, TimeUnit.SECONDS));
                p.theirs().setSoTimeout(20_000);
                assertEquals(-1, p.theirs().getInputStream().read(), "the peer sees our close");
                p.theirs().close();
                in.sink().close();
                in.source().close();
            }
        });
    }
}
