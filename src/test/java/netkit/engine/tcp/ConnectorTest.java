package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.scan.PortState;
import netkit.engine.stream.Endpoint;
import netkit.engine.stream.Target;
import netkit.engine.stream.Transport;
import netkit.engine.stream.TransportLayer;
import netkit.net.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ConnectorTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private static Connector plain(int port) {
        return new Connector("127.0.0.1", port, Family.ANY, null, 0, TIMEOUT, SocketTuning.NONE);
    }

    @Test
    @Timeout(10)
    void connectsOverTcpAndDescribesBothEnds() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (Connection c = plain(port).connect(new Totals());
                    SocketChannel peer = server.accept()) {
                assertEquals("127.0.0.1:" + port, c.remote().text());
                assertEquals("IPv4", c.remote().family());
                assertEquals(port, c.remote().port());
                assertTrue(c.transport().plain());
                c.send("ping".getBytes(StandardCharsets.US_ASCII));
                ByteBuffer buf = ByteBuffer.allocate(16);
                while (buf.position() < 4 && peer.read(buf) >= 0) {
                    // until the four bytes are in
                }
                assertEquals("ping", new String(buf.array(), 0, 4, StandardCharsets.US_ASCII));
                assertEquals(4, c.bytesWritten());
            }
        }
    }

    @Test
    @Timeout(10)
    void connectsToAUnixSocketAndNamesItsPath(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Connector unix = new Connector(
                    new Target.UnixPath(path),
                    Family.ANY,
                    null,
                    0,
                    TIMEOUT,
                    SocketTuning.NONE,
                    TransportLayer.NONE,
                    new Target.UnixPath(path));
            try (Connection c = unix.connect(null);
                    SocketChannel peer = server.accept()) {
                assertEquals(path.toString(), c.remote().text());
                assertEquals("unix", c.remote().family());
                assertEquals(-1, c.remote().port());
                assertInstanceOf(Endpoint.Unix.class, c.remote());
                peer.write(ByteBuffer.wrap(new byte[] {42}));
                ByteBuffer one = ByteBuffer.allocate(1);
                assertEquals(1, c.read(one));
                assertEquals(1, c.bytesRead());
            }
        }
    }

    @Test
    @Timeout(10)
    void aLayerRunsOverTheDialedSocketAndItsHandshakeRunsBeforeTheConnectionIsReturned() throws Exception {
        AtomicInteger handshakes = new AtomicInteger();
        TransportLayer counting = (inner, target) -> new ForwardingTransport(inner) {
            @Override
            public void handshake() {
                handshakes.incrementAndGet();
            }
        };
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            try (Connection c = plain(port).withLayer(counting).connect(null);
                    SocketChannel peer = server.accept()) {
                assertEquals(1, handshakes.get());
                assertInstanceOf(ForwardingTransport.class, c.transport(), "the connection runs over the layer");
            }
        }
    }

    @Test
    @Timeout(10)
    void aFailingHandshakeClosesTheSocketAndKeepsItsExitCode() throws Exception {
        TransportLayer failing = (inner, target) -> new ForwardingTransport(inner) {
            @Override
            public void handshake() {
                throw new NetkitException(ExitCode.TLS, "ETLS", "handshake failed: test", null);
            }
        };
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            NetkitException e = assertThrows(
                    NetkitException.class, () -> plain(port).withLayer(failing).connect(null));
            assertEquals(ExitCode.TLS, e.exitCode());
            try (SocketChannel peer = server.accept()) {
                assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "closed after the failed handshake");
            }
        }
    }

    @Test
    @Timeout(10)
    void asProbeSaysOpenForAListenerAndClosedForAFreePort() throws Exception {
        int free;
        try (ServerSocketChannel s = ServerSocketChannel.open()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            free = ((InetSocketAddress) s.getLocalAddress()).getPort();
        }
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            assertEquals(PortState.OPEN, plain(1).asProbe().probe(port));
            assertEquals(PortState.CLOSED, plain(1).asProbe().probe(free));
        }
    }

    /** A layer's transport that passes everything through, as a test layer's base. */
    private static class ForwardingTransport extends netkit.engine.stream.LayeredTransport {
        ForwardingTransport(Transport inner) {
            super(inner);
        }
    }
}
