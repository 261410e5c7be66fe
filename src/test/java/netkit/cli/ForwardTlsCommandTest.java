package netkit.cli;

import static netkit.cli.TcpTesting.random;
import static netkit.cli.TcpTesting.readAll;
import static netkit.cli.TcpTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import netkit.Stdio;
import netkit.engine.tls.Pki;
import netkit.engine.tls.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcp-listen --forward TARGET --forward-tls} and {@code --tls} on the forwarder (SPEC §12,
 * §13): a TLS terminator, a TLS originator and both, byte-exact; a bad upstream certificate ends only
 * its client, with ETLS in that client's close event.
 */
@Timeout(60)
class ForwardTlsCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    static Path dir;

    static TestPki pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = new TestPki(dir);
    }

    /** A netkit echo server for {@code clients} clients; TLS with the test server certificate when asked. */
    private static CommandRun echoUpstream(boolean tls, int clients) {
        List<String> args = new ArrayList<>(List.of("tcp-listen", "--echo", "-v", "-c", String.valueOf(clients)));
        if (tls) {
            args.addAll(List.of("--tls", "--cert", pki.serverChain.toString(), "--key", pki.serverKey.toString()));
        }
        args.addAll(List.of("127.0.0.1", "0"));
        return CommandRun.start(InputStream.nullInputStream(), args.toArray(String[]::new));
    }

    /** A forwarder for one client to 127.0.0.1:{@code upstream}, with {@code options} before ADDRESS PORT. */
    private static CommandRun forwarder(int upstream, String... options) {
        List<String> args =
                new ArrayList<>(List.of("tcp-listen", "-v", "-c", "1", "--forward", "127.0.0.1:" + upstream));
        args.addAll(List.of(options));
        args.addAll(List.of("127.0.0.1", "0"));
        return CommandRun.start(InputStream.nullInputStream(), args.toArray(String[]::new));
    }

    /** Sends {@code payload} through tcp-connect (TLS with {@code options} when given) and returns what came back. */
    private static byte[] roundTrip(int port, byte[] payload, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("tcp-connect"));
        args.addAll(List.of(options));
        args.addAll(List.of("127.0.0.1", String.valueOf(port)));
        CommandRun c = CommandRun.start(new ByteArrayInputStream(payload), args.toArray(String[]::new));
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        return ((CommandRun.SyncBytes) c.out).bytes();
    }

    @Test
    void aTlsTerminatorDecryptsClientsForAPlainUpstream() throws Exception {
        CommandRun upstream = echoUpstream(false, 1);
        CommandRun fwd = forwarder(
                upstream.listeningPort(),
                "--tls",
                "--cert",
                pki.serverChain.toString(),
                "--key",
                pki.serverKey.toString());
        byte[] payload = random(3 << 20, 21);
        byte[] back = roundTrip(fwd.listeningPort(), payload, "--tls", "--cafile", pki.ca.toString());
        assertEquals(sha256(payload), sha256(back));
        assertEquals(0, fwd.exitCode(WAIT), fwd.err.text());
        assertTrue(fwd.err.text().contains("(id 1) TLSv1.3 "), fwd.err.text());
        assertTrue(
                fwd.err
                        .text()
                        .contains("upstream 127.0.0.1:" + upstream.listeningPort() + ": " + payload.length
                                + " bytes sent"),
                fwd.err.text());
        assertEquals(0, upstream.exitCode(WAIT), upstream.err.text());
    }

    @Test
    void aTlsOriginatorEncryptsPlainClientsForATlsUpstreamAndVerifiesIt() throws Exception {
        CommandRun upstream = echoUpstream(true, 1);
        CommandRun fwd = forwarder(upstream.listeningPort(), "--forward-tls", "--forward-cafile", pki.ca.toString());
        byte[] payload = random(3 << 20, 22);
        byte[] back = roundTrip(fwd.listeningPort(), payload);
        assertEquals(sha256(payload), sha256(back));
        assertEquals(0, fwd.exitCode(WAIT), fwd.err.text());
        assertTrue(
                fwd.err.text().contains("upstream 127.0.0.1:" + upstream.listeningPort() + " over TLSv1.3: "),
                fwd.err.text());
        assertEquals(0, upstream.exitCode(WAIT), upstream.err.text());
        assertTrue(upstream.err.text().contains(payload.length + " bytes received"), upstream.err.text());
    }

    @Test
    void tlsOnBothSidesReencryptsByteExactAndReportsTheUpstreamSessionInJson() throws Exception {
        CommandRun upstream = echoUpstream(true, 1);
        CommandRun fwd = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "--json",
                "-c",
                "1",
                "--tls",
                "--forward",
                "127.0.0.1:" + upstream.listeningPort(),
                "--forward-tls",
                "--forward-cafile",
                pki.ca.toString(),
                "--forward-no-system-ca",
                "--forward-alpn",
                "x-test",
                "127.0.0.1",
                "0");
        String listening = fwd.err.await(l -> l.contains("\"listening\""), WAIT);
        int port = Integer.parseInt(listening.replaceAll(".*\"port\":(\\d+).*", "$1"));
        String fingerprint = fwd.err
                .await(l -> l.contains("\"certificate\""), WAIT)
                .replaceAll(".*\"fingerprint\":\"([^\"]+)\".*", "$1");
        byte[] payload = random(2 << 20, 23);
        byte[] back = roundTrip(port, payload, "--tls", "--pin", "sha256:" + fingerprint);
        assertEquals(sha256(payload), sha256(back));
        assertEquals(0, fwd.exitCode(WAIT), fwd.err.text());
        String close = fwd.err.await(l -> l.contains("\"event\":\"close\""), WAIT);
        assertTrue(close.contains("\"bytesRead\":" + payload.length + ",\"bytesWritten\":" + payload.length), close);
        assertTrue(
                close.contains("\"tls\":{\"protocol\":\"TLSv1.3\"")
                        && close.contains("\"peerSubject\":\"CN=localhost\"")
                        && close.contains("\"verified\":true"),
                close);
        assertEquals(0, upstream.exitCode(WAIT), upstream.err.text());
    }

    @Test
    void aWrongUpstreamCertificateClosesOnlyThatClientWithEtls() throws Exception {
        SSLContext good = serverContext(pki.serverChain, pki.serverKey);
        SSLContext untrusted = serverContext(pki.untrustedCert, pki.untrustedKey);
        try (ServerSocket upstream = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            // the first upstream connection presents the good certificate and echoes, the second an untrusted one
            CompletableFuture<Void> echoed = new CompletableFuture<>();
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket first = upstream.accept()) {
                    Thread.ofVirtual().start(() -> {
                        try {
                            SSLSocket tls = wrap(good, first);
                            tls.getInputStream().transferTo(tls.getOutputStream());
                            tls.shutdownOutput();
                            echoed.complete(null);
                        } catch (Exception e) {
                            echoed.completeExceptionally(e);
                        }
                    });
                    try (Socket second = upstream.accept()) {
                        SSLSocket bad = wrap(untrusted, second);
                        try {
                            bad.startHandshake();
                            bad.getInputStream().read();
                        } catch (java.io.IOException expected) {
                            // the forwarder refuses the certificate
                        }
                    }
                    echoed.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun fwd = CommandRun.start(
                    InputStream.nullInputStream(),
                    "tcp-listen",
                    "--json",
                    "-c",
                    "2",
                    "--forward",
                    "127.0.0.1:" + upstream.getLocalPort(),
                    "--forward-tls",
                    "--forward-cafile",
                    pki.ca.toString(),
                    "127.0.0.1",
                    "0");
            String listening = fwd.err.await(l -> l.contains("\"listening\""), WAIT);
            int port = Integer.parseInt(listening.replaceAll(".*\"port\":(\\d+).*", "$1"));
            byte[] first = random(500_000, 24);
            byte[] second = random(700_000, 25);
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), port)) {
                a.getOutputStream().write(first);
                assertEquals(sha256(first), sha256(a.getInputStream().readNBytes(first.length)));

                try (Socket b = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    assertEquals(-1, b.getInputStream().read(), "closed at once, nothing sent back");
                }
                String closed = fwd.err.await(l -> l.contains("\"event\":\"close\",\"id\":2"), WAIT);
                assertTrue(closed.contains("\"hadError\":true") && closed.contains("\"code\":\"ETLS\""), closed);
                assertTrue(
                        closed.contains("unknown certificate authority")
                                && closed.contains("--forward-cafile FILE")
                                && closed.contains("--forward-pin sha256:"),
                        closed);
                assertFalse(closed.contains(" --cafile"), closed);

                // the first client goes on, unaffected
                a.getOutputStream().write(second);
                a.shutdownOutput();
                assertEquals(sha256(second), sha256(readAll(a.getInputStream())));
            }
            served.get(20, TimeUnit.SECONDS);
            assertEquals(0, fwd.exitCode(WAIT), fwd.err.text());
            String closed = fwd.err.await(l -> l.contains("\"event\":\"close\",\"id\":1"), WAIT);
            assertTrue(
                    closed.contains("\"hadError\":false")
                            && closed.contains("\"bytesRead\":" + (first.length + second.length)),
                    closed);
        }
    }

    @Test
    void forwardTlsOptionsAreCheckedAndNamedWithTheirPrefix() {
        assertUsage(
                "--forward-cafile needs --forward-tls",
                "tcp-listen",
                "--forward",
                "127.0.0.1:9",
                "--forward-cafile",
                "ca.pem",
                "127.0.0.1",
                "0");
        assertUsage("--forward-tls needs --forward TARGET", "tcp-listen", "--forward-tls", "127.0.0.1", "0");
        assertUsage(
                "invalid value for --forward-pin: 'md5:xyz'",
                "tcp-listen",
                "--forward",
                "127.0.0.1:9",
                "--forward-tls",
                "--forward-pin",
                "md5:xyz",
                "127.0.0.1",
                "0");
        assertUsage(
                "--forward-cert needs --forward-key FILE",
                "tcp-listen",
                "--forward",
                "127.0.0.1:9",
                "--forward-tls",
                "--forward-cert",
                pki.clientCert.toString(),
                "127.0.0.1",
                "0");
        assertUsage(
                "invalid value for --forward-cafile: '" + dir.resolve("none.pem") + "' (no such file)",
                "tcp-listen",
                "--forward",
                "127.0.0.1:9",
                "--forward-tls",
                "--forward-cafile",
                dir.resolve("none.pem").toString(),
                "127.0.0.1",
                "0");
        assertUsage(
                "--forward-tls to " + dir.resolve("s") + " has no name to check the certificate against",
                "tcp-listen",
                "--forward",
                "unix:" + dir.resolve("s"),
                "--forward-tls",
                "127.0.0.1",
                "0");
        // the listener's own --cafile is the clients' side: it needs --tls, not --forward-tls
        assertUsage(
                "--cafile needs --tls",
                "tcp-listen",
                "--forward",
                "127.0.0.1:9",
                "--forward-tls",
                "--cafile",
                pki.ca.toString(),
                "127.0.0.1",
                "0");
    }

    private static void assertUsage(String expected, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(
                InputStream.nullInputStream(),
                new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = Netkit.commandLine(stdio).execute(args);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, String.join(" ", args) + ": " + text);
        assertTrue(
                text.startsWith("netkit: ")
                        && text.contains(expected)
                        && text.lines().count() == 1,
                String.join(" ", args) + ": " + text);
    }

    private static SSLSocket wrap(SSLContext ctx, Socket raw) throws java.io.IOException {
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), false);
        tls.setUseClientMode(false);
        return tls;
    }

    private static SSLContext serverContext(Path cert, Path key) throws Exception {
        List<X509Certificate> chain = Pki.get().certificates(cert, "--cert");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", Pki.get().privateKey(key, "--key"), new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
