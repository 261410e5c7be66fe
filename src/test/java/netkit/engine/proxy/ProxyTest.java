package netkit.engine.proxy;

import static netkit.engine.proxy.ProxyFixture.TIMEOUT;
import static netkit.engine.proxy.ProxyFixture.through;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.scan.PortProbe;
import netkit.engine.scan.PortState;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Outcome;
import netkit.net.Cidr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProxyTest {

    /** Sends {@code data} through {@code c}, half-closes, and returns everything read back until EOF. */
    static byte[] roundTrip(Connection c, byte[] data) throws Exception {
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                c.write(ByteBuffer.wrap(data));
                c.shutdownOutput();
            } catch (IOException ignored) {
                // the read side reports
            }
        });
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (c.read(buf.clear()) >= 0) {
            got.write(buf.array(), 0, buf.position());
        }
        writer.join();
        return got.toByteArray();
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    static byte[] sha(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    @Timeout(20)
    void socks5hCarriesBytesExactlyToANameTheProxyResolves() throws Exception {
        try (var target = ProxyFixture.echo();
                var proxy = ProxyFixture.proxy();
                Connection c = through("localhost", target.port(), TIMEOUT, "socks5h://127.0.0.1:" + proxy.port())
                        .connect(null)) {
            byte[] data = random(2 * 1024 * 1024);
            assertArrayEquals(sha(data), sha(roundTrip(c, data)));
            assertEquals("localhost:" + target.port(), c.transport().details().get("target"));
            assertEquals(Outcome.CLOSED, proxy.closed.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    @Timeout(20)
    void aChainOfEveryProtocolIsOneTunnelFirstProxyFirst() throws Exception {
        try (var target = ProxyFixture.echo();
                var a = ProxyFixture.proxy();
                var b = ProxyFixture.proxy();
                var c3 = ProxyFixture.proxy();
                var d = ProxyFixture.proxy();
                Connection c = through(
                                "127.0.0.1",
                                target.port(),
                                TIMEOUT,
                                "socks5://127.0.0.1:" + a.port(),
                                "http://127.0.0.1:" + b.port(),
                                "socks4a://127.0.0.1:" + c3.port(),
                                "socks4://127.0.0.1:" + d.port())
                        .connect(null)) {
            byte[] data = random(300_000);
            assertArrayEquals(sha(data), sha(roundTrip(c, data)));
            // the connector dialed the first proxy only
            assertEquals(a.port(), c.remote().port());
        }
    }

    @Test
    @Timeout(20)
    void credentialsAreCheckedInBothProtocols() throws Exception {
        ProxyServerOptions auth = new ProxyServerOptions("al@ice", "s:cret", DestinationRules.OPEN, TIMEOUT, null);
        try (var target = ProxyFixture.echo();
                var proxy = ProxyFixture.proxy(auth)) {
            String p = "127.0.0.1:" + proxy.port();
            for (String ok : List.of("socks5h://al%40ice:s%3Acret@" + p, "http://al%40ice:s%3Acret@" + p)) {
                try (Connection c =
                        through("127.0.0.1", target.port(), TIMEOUT, ok).connect(null)) {
                    assertArrayEquals("hi".getBytes(), roundTrip(c, "hi".getBytes()), ok);
                }
            }
            NetkitException wrong = assertThrows(
                    NetkitException.class,
                    () -> through("127.0.0.1", target.port(), TIMEOUT, "socks5h://al%40ice:nope@" + p)
                            .connect(null));
            assertEquals(ExitCode.PROXY, wrong.exitCode());
            assertEquals(
                    "proxy " + p + " refused: username/password authentication failed for user 'al@ice'",
                    wrong.getMessage());
            NetkitException none = assertThrows(
                    NetkitException.class,
                    () -> through("127.0.0.1", target.port(), TIMEOUT, "socks5h://" + p)
                            .connect(null));
            assertEquals(ExitCode.PROXY, none.exitCode());
            assertTrue(none.getMessage().contains("no acceptable authentication method"), none.getMessage());
            NetkitException http = assertThrows(
                    NetkitException.class,
                    () -> through("127.0.0.1", target.port(), TIMEOUT, "http://" + p)
                            .connect(null));
            assertEquals(ExitCode.PROXY, http.exitCode());
            assertEquals("EPROXY", http.code());
            assertTrue(
                    http.getMessage().startsWith("proxy " + p + " refused: HTTP/1.1 407 Proxy Authentication Required"),
                    http.getMessage());
            NetkitException socks4 = assertThrows(
                    NetkitException.class,
                    () -> through("127.0.0.1", target.port(), TIMEOUT, "socks4://al@" + p)
                            .connect(null));
            assertEquals(ExitCode.PROXY, socks4.exitCode());
        }
    }

    @Test
    @Timeout(20)
    void deniedDestinationsAreRefusedInEachProtocolsWordsAlsoWhenNamed() throws Exception {
        DestinationRules rules = new DestinationRules(List.of(), List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1")));
        try (var target = ProxyFixture.echo();
                var proxy = ProxyFixture.proxy(new ProxyServerOptions(null, null, rules, TIMEOUT, null))) {
            String p = "127.0.0.1:" + proxy.port();
            NetkitException s5 = assertThrows(
                    NetkitException.class,
                    () -> through("localhost", target.port(), TIMEOUT, "socks5h://" + p)
                            .connect(null));
            assertEquals(ExitCode.PROXY, s5.exitCode());
            assertEquals("proxy " + p + " refused: connection not allowed by ruleset", s5.getMessage());
            NetkitException http = assertThrows(
                    NetkitException.class,
                    () -> through("127.0.0.1", target.port(), TIMEOUT, "http://" + p)
                            .connect(null));
            assertEquals("proxy " + p + " refused: HTTP/1.1 403 Forbidden", http.getMessage());
            NetkitException s4 = assertThrows(
                    NetkitException.class,
                    () -> through("localhost", target.port(), TIMEOUT, "socks4a://" + p)
                            .connect(null));
            assertEquals(ExitCode.PROXY, s4.exitCode());
            assertTrue(s4.getMessage().contains("rejected"), s4.getMessage());
            // each refusal is one close event with the reason
            for (int i = 0; i < 3; i++) {
                Outcome o = proxy.closed.poll(10, TimeUnit.SECONDS);
                assertTrue(o.hadError());
                assertEquals("EACCES", ((NetkitException) o.error()).code());
            }
        }
    }

    @Test
    @Timeout(20)
    void aTargetRefusingBehindTheProxyIsExit3() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (var proxy = ProxyFixture.proxy()) {
            for (String scheme : List.of("socks5", "socks5h", "http")) {
                NetkitException e = assertThrows(
                        NetkitException.class,
                        () -> through("127.0.0.1", closed, TIMEOUT, scheme + "://127.0.0.1:" + proxy.port())
                                .connect(null));
                assertEquals(ExitCode.REFUSED, e.exitCode(), scheme);
                assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
            }
        }
    }

    @Test
    @Timeout(20)
    void aProxysOwnWordsAreQuoted() throws Exception {
        byte[] ruleset = {5, 0, 5, 2, 0, 1, 0, 0, 0, 0, 0, 0};
        try (var fake = new ProxyFixture.Fake(3, ruleset)) {
            NetkitException e = assertThrows(
                    NetkitException.class,
                    () -> through("192.0.2.1", 22, TIMEOUT, "socks5h://127.0.0.1:" + fake.port())
                            .connect(null));
            assertEquals(ExitCode.PROXY, e.exitCode());
            assertEquals(
                    "proxy 127.0.0.1:" + fake.port() + " refused: connection not allowed by ruleset", e.getMessage());
        }
        byte[] http = "HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (var fake = new ProxyFixture.Fake(3, http)) {
            NetkitException e = assertThrows(
                    NetkitException.class,
                    () -> through("192.0.2.1", 22, TIMEOUT, "socks5h://127.0.0.1:" + fake.port())
                            .connect(null));
            assertEquals(ExitCode.PROXY, e.exitCode());
            assertTrue(
                    e.getMessage().contains("is not a SOCKS5 proxy (it answered like an HTTP server)"), e.getMessage());
        }
        byte[] gateway = "HTTP/1.1 502 Bad Gateway\r\nX: y\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (var fake = new ProxyFixture.Fake(10, gateway)) {
            NetkitException e = assertThrows(
                    NetkitException.class,
                    () -> through("192.0.2.1", 22, TIMEOUT, "http://127.0.0.1:" + fake.port())
                            .connect(null));
            assertEquals(ExitCode.FAILURE, e.exitCode());
            assertTrue(e.getMessage().contains("HTTP/1.1 502 Bad Gateway"), e.getMessage());
        }
    }

    @Test
    @Timeout(20)
    void aSilentProxyTimesOutWithinTheConnectTimeout() throws Exception {
        try (var fake = new ProxyFixture.Fake(0, null)) {
            NetkitException e = assertThrows(
                    NetkitException.class,
                    () -> through("192.0.2.1", 22, Duration.ofMillis(300), "socks5h://127.0.0.1:" + fake.port())
                            .connect(null));
            assertEquals(ExitCode.TIMEOUT, e.exitCode());
            assertEquals(
                    "proxy 127.0.0.1:" + fake.port() + ": no answer within 300ms (-w bounds the whole proxy chain)",
                    e.getMessage());
        }
    }

    /** A test-only layer that XORs every byte: stands in for TLS, a layer that transforms the stream. */
    static final class Xor implements netkit.engine.stream.Transport {
        final netkit.engine.stream.Transport inner;

        Xor(netkit.engine.stream.Transport inner) {
            this.inner = inner;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            int start = dst.position();
            int n = inner.read(dst);
            for (int i = start; i < start + Math.max(n, 0); i++) {
                dst.put(i, (byte) (dst.get(i) ^ 0x5a));
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            ByteBuffer x = ByteBuffer.allocate(src.remaining());
            while (src.hasRemaining()) {
                x.put((byte) (src.get() ^ 0x5a));
            }
            x.flip();
            int n = x.remaining();
            while (x.hasRemaining()) {
                inner.write(x);
            }
            return n;
        }

        @Override
        public void shutdownOutput() throws IOException {
            inner.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }

        @Override
        public netkit.engine.stream.Endpoint localEndpoint() {
            return inner.localEndpoint();
        }

        @Override
        public netkit.engine.stream.Endpoint remoteEndpoint() {
            return inner.remoteEndpoint();
        }

        @Override
        public java.nio.channels.SocketChannel socket() {
            return inner.socket();
        }
    }

    @Test
    @Timeout(20)
    void aLayerAfterTheProxiesIsEndToEndSoNoPlaintextPassesTheProxy() throws Exception {
        byte[] secret = "GET /secret HTTP/1.1\r\nAuthorization: Bearer PLAINTEXT-MARKER\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket target = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                var proxy = ProxyFixture.proxy()) {
            java.util.concurrent.CompletableFuture<byte[]> seen = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket s = target.accept()) {
                    seen.complete(s.getInputStream().readAllBytes()); // exactly what the proxy passed on
                } catch (IOException e) {
                    seen.completeExceptionally(e);
                }
            });
            // the TLS position: withLayer after the proxy chain
            try (Connection c = through(
                            "127.0.0.1",
                            target.getLocalPort(),
                            TIMEOUT,
                            "socks5h://127.0.0.1:" + proxy.port(),
                            "http://127.0.0.1:" + proxy.port())
                    .withLayer((inner, t) -> new Xor(inner))
                    .connect(null)) {
                c.write(ByteBuffer.wrap(secret));
                c.shutdownOutput();
                byte[] wire = seen.get(10, TimeUnit.SECONDS);
                assertFalse(new String(wire, StandardCharsets.ISO_8859_1).contains("PLAINTEXT-MARKER"));
                assertEquals(secret.length, wire.length);
                for (int i = 0; i < wire.length; i++) {
                    assertEquals(secret[i], (byte) (wire[i] ^ 0x5a), "byte " + i);
                }
            }
        }
    }

    @Test
    @Timeout(20)
    void portChecksGoThroughTheProxy() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        try (var target = ProxyFixture.echo();
                var proxy = ProxyFixture.proxy()) {
            PortProbe probe = through("127.0.0.1", target.port(), TIMEOUT, "socks5h://127.0.0.1:" + proxy.port())
                    .asProbe();
            assertEquals(PortState.OPEN, probe.probe(target.port()));
            assertEquals(PortState.CLOSED, probe.probe(closed));
        }
    }

    @Test
    @Timeout(20)
    void requestsAreBoundedInSizeAndTime() throws Exception {
        ProxyServerOptions quick =
                new ProxyServerOptions(null, null, DestinationRules.OPEN, Duration.ofMillis(300), null);
        try (var proxy = ProxyFixture.proxy(quick)) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                OutputStream out = s.getOutputStream();
                out.write("CONNECT 127.0.0.1:9 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
                byte[] header = ("X-Filler: " + "a".repeat(1000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                try {
                    for (int i = 0; i < 20; i++) {
                        out.write(header);
                    }
                } catch (IOException closedOnUs) {
                    // the proxy may close before we finish: what it said is still readable
                }
                String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(reply.startsWith("HTTP/1.1 431 "), reply);
            }
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                s.getOutputStream().write(5); // a SOCKS5 greeting that never completes
                InputStream in = s.getInputStream();
                assertEquals(-1, in.read()); // closed by the handshake timeout
            }
        }
    }

    @Test
    @Timeout(20)
    void absoluteFormRequestsAreForwardedOncePerConnectionWithoutProxyHeaders() throws Exception {
        try (ServerSocket origin = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                var proxy = ProxyFixture.proxy()) {
            java.util.concurrent.CompletableFuture<String> head = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (Socket s = origin.accept()) {
                    StringBuilder h = new StringBuilder();
                    InputStream in = s.getInputStream();
                    while (!h.toString().endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        h.append((char) b);
                    }
                    head.complete(h.toString());
                    s.getOutputStream()
                            .write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                    .getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    head.completeExceptionally(e);
                }
            });
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
                s.getOutputStream()
                        .write(("GET http://127.0.0.1:" + origin.getLocalPort() + "/a?b=1 HTTP/1.1\r\n"
                                        + "Host: 127.0.0.1:" + origin.getLocalPort()
                                        + "\r\nProxy-Connection: keep-alive\r\n"
                                        + "Proxy-Authorization: Basic eDp5\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(reply.startsWith("HTTP/1.1 200 OK") && reply.endsWith("ok"), reply);
            }
            String h = head.get(10, TimeUnit.SECONDS);
            assertTrue(h.startsWith("GET /a?b=1 HTTP/1.1\r\n"), h);
            assertFalse(h.toLowerCase().contains("proxy-"), h);
            assertTrue(h.contains("Connection: close\r\n"), h);
        }
    }

    @Test
    @Timeout(20)
    void aClientSpeakingNoProxyProtocolIsClosed() throws Exception {
        try (var proxy = ProxyFixture.proxy();
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.getOutputStream().write(new byte[] {0x16, 3, 1});
            assertEquals(-1, s.getInputStream().read());
            Outcome o = proxy.closed.poll(10, TimeUnit.SECONDS);
            assertTrue(
                    o.error().getMessage().contains("not a SOCKS or HTTP proxy request"),
                    o.error().getMessage());
        }
    }
}
