package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import netkit.Stdio;
import netkit.cli.Netkit;
import netkit.engine.tls.Pki;
import netkit.engine.tls.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The session REPL over TLS (SPEC §13): the {@code tls} notice and the session in {@code /stats}. */
@Timeout(30)
class TlsReplTest {
    @TempDir
    static Path dir;

    static TestPki pki;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestTerminal term;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = new TestPki(dir);
    }

    @BeforeEach
    void terminal() throws IOException {
        term = new TestTerminal();
        Terminals.share(term.terminal, null);
    }

    @AfterEach
    void release() throws IOException {
        Terminals.unshare();
        term.close();
    }

    private CompletableFuture<Integer> netkit(String... args) {
        Stdio stdio = Stdio.of(
                        new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8))
                .withTerminals(true, true, true)
                .withEnv(java.util.Map.of("NO_COLOR", "1"));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform()
                .daemon()
                .start(() -> exit.complete(Netkit.commandLine(stdio).execute(args)));
        return exit;
    }

    @Test
    void tcpListenShowsEachClientsTlsSessionAndStatsListsIt() throws Exception {
        CompletableFuture<Integer> exit = netkit(
                "tcp-listen",
                "--tls",
                "-k",
                "--cert",
                pki.serverChain.toString(),
                "--key",
                pki.serverKey.toString(),
                "--cafile",
                pki.ca.toString(),
                "127.0.0.1",
                "0");
        Matcher m = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)")
                .matcher(term.await("listening on", java.time.Duration.ofSeconds(20)));
        assertTrue(m.find());
        int port = Integer.parseInt(m.group(1));
        SSLContext ctx = context(pki.clientCert, pki.clientKey);
        try (SSLSocket client =
                (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            client.setEnabledProtocols(new String[] {"TLSv1.3"});
            client.startHandshake();
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
            client.getOutputStream().flush();
            String notice = awaitLine("#1 tls TLSv1.3 ");
            assertTrue(notice.contains("peer CN=test client"), notice);
            awaitLine("[#1] hello");
            term.type("/stats\r");
            String stats = awaitLine("connections 1, tls #1 TLSv1.3 ");
            assertTrue(
                    stats.contains(client.getSession().getCipherSuite()) && stats.contains("peer CN=test client"),
                    stats);
            term.type("/quit\r");
            assertEquals(-1, client.getInputStream().read());
        }
        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    }

    @Test
    void tcpConnectStatsShowTheServersCertificateAndAlpn() throws Exception {
        SSLContext ctx = context(pki.serverChain, pki.serverKey);
        try (SSLServerSocket server = (SSLServerSocket)
                ctx.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            var params = server.getSSLParameters();
            params.setApplicationProtocols(new String[] {"x-netkit"});
            server.setSSLParameters(params);
            CompletableFuture<Integer> exit = netkit(
                    "tcp-connect",
                    "--tls",
                    "--cafile",
                    pki.ca.toString(),
                    "--alpn",
                    "x-netkit",
                    "127.0.0.1",
                    String.valueOf(server.getLocalPort()));
            try (SSLSocket peer = (SSLSocket) server.accept()) {
                peer.startHandshake();
                term.await("> ", java.time.Duration.ofSeconds(20));
                term.type("/stats\r");
                String stats = awaitLine("connections 1, tls ");
                assertTrue(
                        stats.contains("tls " + peer.getSession().getProtocol() + " "
                                + peer.getSession().getCipherSuite() + ", peer CN=localhost, alpn x-netkit"),
                        stats);
                term.type("/quit\r");
                assertEquals(0, exit.get(10, TimeUnit.SECONDS));
            }
        }
    }

    /** The line of the screen that shows {@code text}, once it does. */
    private String awaitLine(String text) throws InterruptedException {
        String screen = term.await(text, java.time.Duration.ofSeconds(20));
        return screen.lines().filter(l -> l.contains(text)).reduce((a, b) -> b).orElseThrow();
    }

    /** A JDK context with this certificate and key, trusting the test CA. */
    private static SSLContext context(Path cert, Path key) throws Exception {
        List<X509Certificate> chain = Pki.get().certificates(cert, "--cert");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", Pki.get().privateKey(key, "--key"), new char[0], chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(
                "ca", Pki.get().certificates(pki.ca, "--cafile").get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
