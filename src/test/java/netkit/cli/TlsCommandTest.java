package netkit.cli;

import static netkit.cli.TcpTesting.random;
import static netkit.cli.TcpTesting.sha256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
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
import netkit.engine.tls.Fingerprints;
import netkit.engine.tls.Pki;
import netkit.engine.tls.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tls} on tcp-connect and tcp-listen (SPEC §13), with certificates made by {@link TestPki}. */
@Timeout(60)
class TlsCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    static Path dir;

    static TestPki pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = new TestPki(dir);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static InputStream stdin(String s) {
        return new ByteArrayInputStream(bytes(s));
    }

    /** A one-client TLS echo server with the given certificate; extra options after. */
    private static CommandRun echoServer(Path cert, Path key, String... extra) {
        List<String> args = new ArrayList<>(List.of("tcp-listen", "--tls", "--echo", "-v"));
        if (!List.of(extra).contains("-k")) {
            args.addAll(List.of("-c", "1"));
        }
        if (cert != null) {
            args.addAll(List.of("--cert", cert.toString(), "--key", key.toString()));
        }
        args.addAll(List.of(extra));
        args.addAll(List.of("127.0.0.1", "0"));
        return CommandRun.start(InputStream.nullInputStream(), args.toArray(String[]::new));
    }

    private static CommandRun client(InputStream in, int port, String... options) {
        List<String> args = new ArrayList<>(List.of("tcp-connect", "--tls"));
        args.addAll(List.of(options));
        args.addAll(List.of("127.0.0.1", String.valueOf(port)));
        return CommandRun.start(in, args.toArray(String[]::new));
    }

    @Test
    void aServerFromATrustedCaIsVerifiedAndTheChainFileIsSent() throws Exception {
        CommandRun server = echoServer(pki.serverChain, pki.serverKey);
        CommandRun c = client(stdin("hello tls\n"), server.listeningPort(), "--cafile", pki.ca.toString(), "-v");
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        assertEquals("hello tls\n", c.stdout());
        assertTrue(c.err.text().contains("netkit: tls TLSv1.3 "), c.err.text());
        assertTrue(c.err.text().contains("peer CN=localhost"), c.err.text());
        assertEquals(0, server.exitCode(WAIT), server.err.text());
    }

    @Test
    void anUnknownCaFailsWithExit7AndSaysWhatToDo() throws Exception {
        CommandRun server = echoServer(pki.untrustedCert, pki.untrustedKey);
        CommandRun c = client(stdin("secret\n"), server.listeningPort());
        assertEquals(7, c.exitCode(WAIT), c.err.text());
        assertTrue(c.err.text().contains("unknown certificate authority"), c.err.text());
        assertTrue(c.err.text().contains("--cafile FILE"), c.err.text());
        assertEquals(1, c.err.text().strip().lines().count(), c.err.text());
        assertEquals("", c.stdout());
        // nothing of stdin ever reached the server
        server.exitCode(WAIT);
        assertTrue(server.err.text().contains("0 bytes received"), server.err.text());
    }

    @Test
    void aCertificateForAnotherNameFails() throws Exception {
        CommandRun server = echoServer(pki.wrongNameCert, pki.wrongNameKey);
        CommandRun c = client(stdin("x"), server.listeningPort(), "--cafile", pki.ca.toString());
        assertEquals(7, c.exitCode(WAIT), c.err.text());
        assertTrue(c.err.text().contains("certificate for other.test does not match 127.0.0.1"), c.err.text());
        server.exitCode(WAIT);
    }

    @Test
    void sniChecksTheCertificateAgainstTheGivenName() throws Exception {
        CommandRun server = echoServer(pki.wrongNameCert, pki.wrongNameKey);
        CommandRun c = client(
                stdin("by name\n"), server.listeningPort(), "--cafile", pki.ca.toString(), "--sni", "other.test");
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        assertEquals("by name\n", c.stdout());
        server.exitCode(WAIT);
    }

    @Test
    void anExpiredCertificateFails() throws Exception {
        CommandRun server = echoServer(pki.expiredCert, pki.expiredKey);
        CommandRun c = client(stdin("x"), server.listeningPort(), "--cafile", pki.ca.toString(), "--json");
        assertEquals(7, c.exitCode(WAIT), c.err.text());
        assertTrue(c.err.text().contains("expired on"), c.err.text());
        assertTrue(c.err.text().contains("\"code\":\"ETLS\""), c.err.text());
        server.exitCode(WAIT);
    }

    @Test
    void theEphemeralCertificateCanBePinnedByItsPrintedFingerprint() throws Exception {
        CommandRun server = echoServer(null, null);
        String line = server.err.await(l -> l.contains("tls certificate sha256 "), WAIT);
        String fingerprint = line.substring(line.indexOf("sha256 ") + 7).strip();
        CommandRun c = client(stdin("pinned\n"), server.listeningPort(), "--pin", "sha256:" + fingerprint);
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        assertEquals("pinned\n", c.stdout());
        server.exitCode(WAIT);
    }

    @Test
    void aPublicKeyPinMatchesWithoutCaTrustAndAnyOtherPinFails() throws Exception {
        X509Certificate untrusted =
                Pki.get().certificates(pki.untrustedCert, "--cert").get(0);
        CommandRun server = echoServer(pki.untrustedCert, pki.untrustedKey, "-k");
        int port = server.listeningPort();
        CommandRun good = client(stdin("ok\n"), port, "--pin", Fingerprints.publicKey(untrusted));
        assertEquals(0, good.exitCode(WAIT), good.err.text());
        assertEquals("ok\n", good.stdout());
        CommandRun bad = client(stdin("no\n"), port, "--pin", "sha256:" + "A".repeat(43) + "=");
        assertEquals(7, bad.exitCode(WAIT), bad.err.text());
        assertTrue(bad.err.text().contains("matches no --pin"), bad.err.text());
        assertTrue(bad.err.text().contains(Fingerprints.publicKey(untrusted)), bad.err.text());
        assertEquals("", bad.stdout());
    }

    @Test
    void insecureConnectsToAnythingAndWarnsOnce() throws Exception {
        CommandRun server = echoServer(pki.expiredCert, pki.expiredKey);
        CommandRun c = client(stdin("anyway\n"), server.listeningPort(), "--insecure");
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        assertEquals("anyway\n", c.stdout());
        assertEquals(
                1, c.err.text().lines().filter(l -> l.contains("--insecure")).count(), c.err.text());
        server.exitCode(WAIT);
    }

    @Test
    void mutualTlsPassesWithAClientCertificateAndFailsWithout() throws Exception {
        CommandRun server = echoServer(
                pki.serverChain, pki.serverKey, "-k", "--cafile", pki.ca.toString(), "--require-client-cert");
        int port = server.listeningPort();
        CommandRun with = client(
                stdin("mutual\n"),
                port,
                "--cafile",
                pki.ca.toString(),
                "--cert",
                pki.clientCert.toString(),
                "--key",
                pki.clientKey.toString());
        assertEquals(0, with.exitCode(WAIT), with.err.text());
        assertEquals("mutual\n", with.stdout());
        server.err.await(l -> l.contains("peer CN=test client"), WAIT);

        CommandRun without = client(stdin("no cert\n"), port, "--cafile", pki.ca.toString());
        assertEquals(7, without.exitCode(WAIT), without.err.text());
        assertTrue(without.err.text().contains("client certificate"), without.err.text());
        assertEquals("", without.stdout());
        server.err.await(l -> l.contains("sent no certificate"), WAIT);
    }

    @Test
    void ourStdinEofSendsCloseNotifyAndTheReplyIsStillRead() throws Exception {
        CommandRun server = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "--tls",
                "-v",
                "--cert",
                pki.serverChain.toString(),
                "--key",
                pki.serverKey.toString(),
                "--sh-exec",
                "cat; echo reply after your EOF",
                "127.0.0.1",
                "0");
        CommandRun c = client(stdin("hello\n"), server.listeningPort(), "--cafile", pki.ca.toString());
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        assertEquals("hello\nreply after your EOF\n", c.stdout());
        assertEquals(0, server.exitCode(WAIT), server.err.text());
    }

    @Test
    void aConnectionClosedWithoutCloseNotifyIsReportedAsTruncated() throws Exception {
        SSLContext ctx = serverContext();
        try (ServerSocket plain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (Socket raw = plain.accept()) {
                    SSLSocket tls =
                            (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.1", raw.getPort(), false);
                    tls.setUseClientMode(false);
                    tls.startHandshake();
                    tls.getOutputStream().write(bytes("partial"));
                    tls.getOutputStream().flush();
                    raw.shutdownOutput(); // FIN without close_notify
                    raw.getInputStream().readAllBytes();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            CommandRun c = client(
                    InputStream.nullInputStream(), plain.getLocalPort(), "--cafile", pki.ca.toString(), "--recv-only");
            assertEquals(1, c.exitCode(WAIT), c.err.text());
            assertEquals("partial", c.stdout());
            assertTrue(c.err.text().contains("without TLS close_notify"), c.err.text());
            served.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChatMemberLeavingWithoutCloseNotifySimplyLeaves() throws Exception {
        CommandRun server = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "--tls",
                "--chat",
                "-v",
                "--cert",
                pki.serverChain.toString(),
                "--key",
                pki.serverKey.toString(),
                "127.0.0.1",
                "0");
        int port = server.listeningPort();
        try (Socket raw = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SSLSocket tls = (SSLSocket) clientContext().getSocketFactory().createSocket(raw, "127.0.0.1", port, false);
            tls.startHandshake();
            tls.getOutputStream().write(bytes("alice\n"));
            tls.getOutputStream().flush();
            java.io.BufferedReader in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(tls.getInputStream(), StandardCharsets.UTF_8));
            for (int i = 0; i < 10; i++) { // the greeting lines, then our welcome
                String line = in.readLine();
                if (line == null || line.contains("welcome, alice")) {
                    break;
                }
            }
            String closed = "closed 127.0.0.1:" + raw.getLocalPort();
            raw.close(); // FIN without close_notify
            server.err.await(l -> l.contains(closed), WAIT);
        }
        // a member who left without a TLS goodbye is not an internal failure with a class name
        assertTrue(!server.err.text().contains("NetkitException"), server.err.text());
        assertTrue(!server.err.text().contains("reader of"), server.err.text());
    }

    /** A JDK TLS client context that trusts the test CA. */
    private static SSLContext clientContext() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (X509Certificate c : Pki.get().certificates(pki.ca, "--cafile")) {
            trust.setCertificateEntry("ca" + i++, c);
        }
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void binaryDataCrossesByteExact() throws Exception {
        byte[] payload = random(6 << 20, 14);
        CommandRun server = echoServer(pki.serverChain, pki.serverKey);
        CommandRun c = client(new ByteArrayInputStream(payload), server.listeningPort(), "--cafile", pki.ca.toString());
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        assertEquals(sha256(payload), sha256(((CommandRun.SyncBytes) c.out).bytes()));
        assertEquals(0, server.exitCode(WAIT), server.err.text());
    }

    @Test
    void aScanChecksTheHandshakeAndReportsACertificateProblemForItsPort() throws Exception {
        CommandRun good = echoServer(pki.serverChain, pki.serverKey, "-k");
        CommandRun bad = echoServer(pki.untrustedCert, pki.untrustedKey, "-k");
        int goodPort = good.listeningPort();
        int badPort = bad.listeningPort();
        CommandRun scan = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-connect",
                "--tls",
                "-z",
                "--cafile",
                pki.ca.toString(),
                "127.0.0.1",
                goodPort + "," + badPort);
        assertEquals(0, scan.exitCode(WAIT), scan.err.text());
        assertEquals("127.0.0.1 " + goodPort + " open\n", scan.stdout());
        assertTrue(
                scan.err.text().contains(badPort + ": TLS with")
                        && scan.err.text().contains("unknown certificate authority"),
                scan.err.text());

        CommandRun one = CommandRun.start(
                InputStream.nullInputStream(), "tcp-connect", "--tls", "-z", "127.0.0.1", String.valueOf(badPort));
        assertEquals(7, one.exitCode(WAIT), one.err.text());
    }

    @Test
    void tlsOptionsWithoutTlsAndBadValuesAreUsageErrors() throws Exception {
        CommandRun a =
                CommandRun.start(InputStream.nullInputStream(), "tcp-connect", "--cafile", "x.pem", "127.0.0.1", "9");
        assertEquals(2, a.exitCode(WAIT));
        assertTrue(a.err.text().contains("--cafile needs --tls"), a.err.text());
        CommandRun b = CommandRun.start(
                InputStream.nullInputStream(), "tcp-connect", "--tls", "--pin", "md5:xyz", "127.0.0.1", "9");
        assertEquals(2, b.exitCode(WAIT));
        assertTrue(b.err.text().contains("invalid value for --pin: 'md5:xyz'"), b.err.text());
        CommandRun c = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "--tls", "--require-client-cert", "127.0.0.1", "0");
        assertEquals(2, c.exitCode(WAIT));
        CommandRun d = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "--tls",
                "--cert",
                pki.serverChain.toString(),
                "--key",
                pki.clientKey.toString(),
                "127.0.0.1",
                "0");
        assertEquals(2, d.exitCode(WAIT));
        assertTrue(d.err.text().contains("not the key of the certificate"), d.err.text());
    }

    @Test
    @Timeout(60)
    void alpnIsNegotiatedAndReportedAndOldVersionsNeedInsecure() throws Exception {
        CommandRun server = echoServer(pki.serverChain, pki.serverKey, "--alpn", "h2,http/1.1");
        CommandRun c = client(
                stdin("over h2\n"),
                server.listeningPort(),
                "--cafile",
                pki.ca.toString(),
                "--alpn",
                "http/1.1",
                "--tls-min",
                "1.3",
                "-v");
        assertEquals(0, c.exitCode(WAIT), c.err.text());
        assertEquals("over h2\n", c.stdout());
        assertTrue(c.err.text().contains("netkit: tls TLSv1.3 "), c.err.text());
        assertTrue(c.err.text().contains("alpn http/1.1"), c.err.text());
        assertEquals(0, server.exitCode(WAIT), server.err.text());

        CommandRun old = CommandRun.start(
                InputStream.nullInputStream(), "tcp-connect", "--tls", "--tls-min", "1.0", "127.0.0.1", "9");
        assertEquals(2, old.exitCode(WAIT), old.err.text());
        assertTrue(old.err.text().contains("--tls-min"), old.err.text());
        assertTrue(old.err.text().contains("--insecure"), old.err.text());
    }

    /** A JDK TLS server context with the test server certificate (for peers that misbehave on purpose). */
    private static SSLContext serverContext() throws Exception {
        List<X509Certificate> chain = Pki.get().certificates(pki.serverChain, "--cert");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(
                "k", Pki.get().privateKey(pki.serverKey, "--key"), new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    static OutputStream unused() {
        return OutputStream.nullOutputStream();
    }
}
