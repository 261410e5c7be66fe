package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tcp-connect --proxy} and {@code tcp-listen --proxy} as a user runs them (SPEC §14). */
class ProxyCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private static CommandRun run(String stdin, String... args) {
        return CommandRun.start(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
    }

    @Test
    @Timeout(30)
    void clientThroughNetkitsOwnProxyWithOneJsonCloseEventPerTunnel() throws Exception {
        CommandRun echo =
                CommandRun.start(InputStream.nullInputStream(), "tcp-listen", "--echo", "-v", "127.0.0.1", "0");
        CommandRun proxy = CommandRun.start(
                InputStream.nullInputStream(), "tcp-listen", "--proxy", "--json", "-v", "127.0.0.1", "0");
        int echoPort = echo.listeningPort();
        int proxyPort = proxyPortOf(proxy);
        CommandRun client = run(
                "through the tunnel\n",
                "tcp-connect",
                "-v",
                "--proxy",
                "socks5h://127.0.0.1:" + proxyPort,
                "localhost",
                String.valueOf(echoPort));
        assertEquals(0, client.exitCode(WAIT), client.err.text());
        assertEquals("through the tunnel\n", client.stdout());
        assertTrue(
                client.err
                        .text()
                        .contains("connected to localhost:" + echoPort + " via socks5h://127.0.0.1:" + proxyPort),
                client.err.text());
        String close = proxy.err.await(l -> l.contains("\"event\":\"close\""), WAIT);
        assertTrue(close.contains("\"destination\":\"localhost:" + echoPort + "\""), close);
        assertTrue(close.contains("\"hadError\":false"), close);
    }

    private static int proxyPortOf(CommandRun proxy) throws InterruptedException {
        String line = proxy.err.await(l -> l.contains("\"event\":\"listening\""), WAIT);
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"port\":(\\d+)").matcher(line);
        assertTrue(m.find(), line);
        return Integer.parseInt(m.group(1));
    }

    @Test
    @Timeout(30)
    void refusalsAreOneLineWithTheirExitCodes() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CommandRun proxy = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "--proxy",
                "-v",
                "--proxy-deny",
                "127.0.0.2/32",
                "127.0.0.1",
                "0");
        int port = proxy.listeningPort();
        CommandRun refused =
                run("", "tcp-connect", "--proxy", "http://127.0.0.1:" + port, "127.0.0.1", String.valueOf(closed));
        assertEquals(3, refused.exitCode(WAIT));
        assertEquals(
                "netkit: proxy 127.0.0.1:" + port + ": connect to 127.0.0.1:" + closed
                        + ": connection refused (HTTP/1.1 502 Connection Refused)\n",
                refused.err.text());
        CommandRun denied = run("", "tcp-connect", "--proxy", "socks5h://127.0.0.1:" + port, "127.0.0.2", "22");
        assertEquals(8, denied.exitCode(WAIT));
        assertEquals(
                "netkit: proxy 127.0.0.1:" + port + " refused: connection not allowed by ruleset\n", denied.err.text());
        proxy.err.await(l -> l.contains("-> 127.0.0.2:22") && l.contains("denied by --proxy-deny 127.0.0.2/32"), WAIT);
    }

    @Test
    @Timeout(30)
    void proxyOptionsAreCheckedAsUsage() throws Exception {
        CommandRun badUrl = run("", "tcp-connect", "--proxy", "socks5h://me:hunter2@127.0.0.1:99999", "h", "1");
        assertEquals(2, badUrl.exitCode(WAIT));
        assertTrue(
                badUrl.err.text().startsWith("netkit: invalid value for --proxy: 'socks5h://me:***@127.0.0.1:99999'"),
                badUrl.err.text());
        assertFalse(badUrl.err.text().contains("hunter2"));
        CommandRun stray = run("", "tcp-listen", "--proxy-auth", "u:p", "127.0.0.1", "0");
        assertEquals(2, stray.exitCode(WAIT));
        assertEquals("netkit: --proxy-auth needs --proxy\n", stray.err.text());
        CommandRun twoModes = run("", "tcp-listen", "--proxy", "--echo", "127.0.0.1", "0");
        assertEquals(2, twoModes.exitCode(WAIT));
        assertTrue(twoModes.err.text().contains("--echo and --proxy cannot be combined"), twoModes.err.text());
        CommandRun relayOption = run("", "tcp-listen", "--proxy", "-x", "127.0.0.1", "0");
        assertEquals(2, relayOption.exitCode(WAIT));
        assertTrue(relayOption.err.text().contains("cannot be combined with --proxy"), relayOption.err.text());
    }
}
