package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.Endpoint;
import netkit.engine.stream.TransportLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Unix-domain listener and its socket file's life cycle (SPEC §11). */
@Timeout(20)
class UnixListenerTest {
    @TempDir
    Path dir;

    private static ListenOptions options(boolean keepOpen, int maxConns) {
        return ListenOptions.builder()
                .backlog(16)
                .keepOpen(keepOpen)
                .maxConns(maxConns)
                .build();
    }

    /** Events as strings, in order. */
    static final class Recorder implements TcpEvents {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void listening(Endpoint local) {
            events.add("listening " + local.text() + " " + local.family());
        }

        @Override
        public void connection(Connection c, int open) {
            events.add("connection " + c.remote().text() + " " + open);
        }

        @Override
        public void rejected(Endpoint remote, String reason) {
            events.add("rejected " + remote.text() + " " + reason);
        }

        @Override
        public void closed(Connection c, Outcome o) {
            events.add("closed " + c.id() + " " + o.kind());
        }

        String next() throws InterruptedException {
            String e = events.poll(10, TimeUnit.SECONDS);
            if (e == null) {
                throw new AssertionError("no event within 10s");
            }
            return e;
        }
    }

    private static Thread serve(Listener l, ConnectionHandler h) {
        return Thread.ofVirtual().start(() -> l.serve(h));
    }

    private static SocketChannel dial(Path p) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(p));
        return ch;
    }

    private static String readLine(SocketChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(256);
        while (buf.position() == 0 || buf.get(buf.position() - 1) != '\n') {
            if (ch.read(buf) < 0) {
                break;
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
    }

    @Test
    void createsTheFileWithItsModeNamesClientsByThePathAndRemovesItOnClose() throws Exception {
        Path sock = dir.resolve("echo.sock");
        Recorder events = new Recorder();
        Listener l = Listener.bindUnix(
                new UnixListen(sock, PosixFilePermissions.fromString("rw-------"), false),
                options(true, 0),
                TransportLayer.NONE,
                events,
                new Totals());
        Thread t = serve(l, new EchoHandler(SessionOptions.defaults(), TrafficTap.NONE));
        assertEquals("listening " + sock + " unix", events.next());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
        try (SocketChannel c = dial(sock)) {
            assertEquals("connection " + sock + " 1", events.next());
            c.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals("hello\n", readLine(c));
        }
        assertEquals("closed 1 CLOSED", events.next());
        l.close();
        t.join(10_000);
        assertFalse(Files.exists(sock), "socket file removed");
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "no staging file left behind");
        }
    }

    @Test
    void aLiveSocketIsAddressInUseAndIsLeftAlone() throws Exception {
        Path sock = dir.resolve("live.sock");
        try (ServerSocketChannel other = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            other.bind(UnixDomainSocketAddress.of(sock));
            for (boolean unlink : new boolean[] {false, true}) {
                NetkitException e = assertThrows(
                        NetkitException.class,
                        () -> Listener.bindUnix(
                                new UnixListen(sock, null, unlink),
                                options(true, 0),
                                TransportLayer.NONE,
                                TcpEvents.NONE,
                                new Totals()));
                assertEquals(ExitCode.BIND, e.exitCode());
                assertEquals("EADDRINUSE", e.code());
                assertTrue(e.getMessage().contains("a server is listening there"), e.getMessage());
                assertTrue(Files.exists(sock));
            }
        }
    }

    @Test
    void aStaleFileIsReplacedOnlyWithUnlink() throws Exception {
        Path sock = dir.resolve("stale.sock");
        ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        dead.bind(UnixDomainSocketAddress.of(sock));
        dead.close(); // the JDK leaves the file, as a killed process would
        assertTrue(Files.exists(sock));
        NetkitException e = assertThrows(
                NetkitException.class,
                () -> Listener.bindUnix(
                        new UnixListen(sock, null, false),
                        options(true, 0),
                        TransportLayer.NONE,
                        TcpEvents.NONE,
                        new Totals()));
        assertEquals(ExitCode.BIND, e.exitCode());
        assertTrue(e.getMessage().contains("--unlink"), e.getMessage());
        try (Listener l = Listener.bindUnix(
                new UnixListen(sock, null, true),
                options(true, 0),
                TransportLayer.NONE,
                TcpEvents.NONE,
                new Totals())) {
            Thread t = serve(l, new EchoHandler(SessionOptions.defaults(), TrafficTap.NONE));
            try (SocketChannel c = dial(sock)) {
                c.write(ByteBuffer.wrap("x\n".getBytes(StandardCharsets.UTF_8)));
                assertEquals("x\n", readLine(c));
            }
            l.close();
            t.join(10_000);
        }
        assertFalse(Files.exists(sock));
    }

    @Test
    void aFileThatIsNotASocketIsNeverRemoved() throws Exception {
        Path file = dir.resolve("data.txt");
        Files.writeString(file, "keep me");
        NetkitException e = assertThrows(
                NetkitException.class,
                () -> Listener.bindUnix(
                        new UnixListen(file, null, true),
                        options(true, 0),
                        TransportLayer.NONE,
                        TcpEvents.NONE,
                        new Totals()));
        assertEquals(ExitCode.BIND, e.exitCode());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void aMissingDirectoryIsABindError() {
        NetkitException e = assertThrows(
                NetkitException.class,
                () -> Listener.bindUnix(
                        new UnixListen(dir.resolve("no/such/dir.sock"), null, false),
                        options(true, 0),
                        TransportLayer.NONE,
                        TcpEvents.NONE,
                        new Totals()));
        assertEquals(ExitCode.BIND, e.exitCode());
    }

    @Test
    void maxConnsLimitsUnixClientsToo() throws Exception {
        Path sock = dir.resolve("limit.sock");
        Recorder events = new Recorder();
        Listener l = Listener.bindUnix(
                new UnixListen(sock, null, false), options(true, 1), TransportLayer.NONE, events, new Totals());
        Thread t = serve(l, new EchoHandler(SessionOptions.defaults(), TrafficTap.NONE));
        events.next(); // listening
        try (SocketChannel first = dial(sock)) {
            assertTrue(events.next().startsWith("connection "));
            try (SocketChannel second = dial(sock)) {
                assertEquals("rejected " + sock + " connection limit reached (1)", events.next());
                assertEquals(-1, second.read(ByteBuffer.allocate(8)));
            }
        }
        l.close();
        t.join(10_000);
        assertFalse(Files.exists(sock));
    }
}
