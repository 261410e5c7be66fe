package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import netkit.engine.tls.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tcp-connect --tls --proxy socks5h://…} through netkit's own {@code tcp-listen --proxy}: TLS
 * runs end to end with HOST inside the tunnel, so the certificate is checked against HOST (not the
 * proxy's address) and nothing the proxy forwards is plaintext. A recording relay between the proxy
 * and the server captures what the proxy sends on and receives.
 */
@Timeout(60)
class TlsThroughProxyTest {
    private static final Duration WAIT = Duration.ofSeconds(40);
    /** On another loopback address than the server's, which the server's certificate does not name. */
    private static final String PROXY_ADDRESS = "127.0.0.2";

    private static final String MARKER = "PLAINTEXT-MARKER-7f3a9c";

    @TempDir
    static Path dir;

    static TestPki pki;

    @BeforeAll
    static void makeCertificates() throws Exception {
        pki = new TestPki(dir);
    }

    /** Relays each accepted connection to {@code port} on 127.0.0.1, keeping a copy of both directions. */
    private static final class RecordingRelay implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"));
        final ByteArrayOutputStream toServer = new ByteArrayOutputStream();
        final ByteArrayOutputStream toClient = new ByteArrayOutputStream();
        final java.util.List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        RecordingRelay(int port) throws IOException {
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 4; i++) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket(InetAddress.getByName("127.0.0.1"), port);
                        sockets.add(in);
                        sockets.add(out);
                        Thread.ofVirtual().start(() -> pump(in, out, toServer));
                        Thread.ofVirtual().start(() -> pump(out, in, toClient));
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            });
        }

        /** Copies until EOF, then passes the FIN on; the sockets are closed with the relay (closing a stream would end both ways). */
        private static void pump(Socket from, Socket to, ByteArrayOutputStream copy) {
            byte[] buf = new byte[16384];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                for (int n; (n = in.read(buf)) > 0; ) {
                    synchronized (copy) {
                        copy.write(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                }
                to.shutdownOutput();
            } catch (IOException ignored) {
                // one side went away: the test's assertions tell
            }
        }

        byte[] recorded(ByteArrayOutputStream copy) {
            synchronized (copy) {
                return copy.toByteArray();
            }
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    private static CommandRun tlsEcho(Path cert, Path key) {
        return CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "--tls",
                "--echo",
                "-v",
                "-c",
                "1",
                "--cert",
                cert.toString(),
                "--key",
                key.toString(),
                "127.0.0.1",
                "0");
    }

    private static CommandRun proxy() {
        return CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "--proxy", "-v", "-c", "1", PROXY_ADDRESS, "0");
    }

    @Test
    void theFinalHostsCertificateIsVerifiedAndTheProxySeesNoPlaintext() throws Exception {
        CommandRun server = tlsEcho(pki.serverChain, pki.serverKey); // CN=localhost, not 127.0.0.2
        CommandRun proxy = proxy();
        try (RecordingRelay relay = new RecordingRelay(server.listeningPort())) {
            String payload = (MARKER + "\n").repeat(2000);
            CommandRun c = CommandRun.start(
                    new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)),
                    "tcp-connect",
                    "--tls",
                    "--cafile",
                    pki.ca.toString(),
                    "--no-system-ca",
                    "-v",
                    "--proxy",
                    "socks5h://" + PROXY_ADDRESS + ":" + proxy.listeningPort(),
                    "localhost",
                    String.valueOf(relay.port()));
            assertEquals(0, c.exitCode(WAIT), c.err.text());
            assertEquals(payload, c.stdout());
            assertTrue(c.err.text().contains("peer CN=localhost"), c.err.text());
            assertEquals(0, server.exitCode(WAIT), server.err.text());

            byte[] up = relay.recorded(relay.toServer);
            byte[] down = relay.recorded(relay.toClient);
            assertTrue(up.length > payload.length() && down.length > payload.length(), up.length + " " + down.length);
            assertEquals(0x16, up[0], "the proxy forwards a TLS handshake record first (ClientHello)");
            assertEquals(0x16, down[0], "and the server answers with one (ServerHello)");
            String upText = new String(up, StandardCharsets.ISO_8859_1);
            String downText = new String(down, StandardCharsets.ISO_8859_1);
            assertFalse(upText.contains("MARKER"), "plaintext reached the proxy's upstream side");
            assertFalse(downText.contains("MARKER"), "plaintext came back through the proxy");
        }
        proxy.exitCode(WAIT);
    }

    @Test
    void aCertificateThatDoesNotNameTheHostFailsBehindTheProxy() throws Exception {
        CommandRun server = tlsEcho(pki.wrongNameCert, pki.wrongNameKey); // other.test only
        CommandRun proxy = proxy();
        try (RecordingRelay relay = new RecordingRelay(server.listeningPort())) {
            CommandRun c = CommandRun.start(
                    new ByteArrayInputStream((MARKER + "\n").getBytes(StandardCharsets.UTF_8)),
                    "tcp-connect",
                    "--tls",
                    "--cafile",
                    pki.ca.toString(),
                    "--proxy",
                    "socks5h://" + PROXY_ADDRESS + ":" + proxy.listeningPort(),
                    "localhost",
                    String.valueOf(relay.port()));
            assertEquals(7, c.exitCode(WAIT), c.err.text());
            assertTrue(c.err.text().contains("certificate for other.test does not match localhost"), c.err.text());
            assertEquals("", c.stdout());
            server.exitCode(WAIT);
            assertFalse(
                    new String(relay.recorded(relay.toServer), StandardCharsets.ISO_8859_1).contains("MARKER"),
                    "nothing of stdin was sent before the handshake");
        }
        proxy.exitCode(WAIT);
    }
}
