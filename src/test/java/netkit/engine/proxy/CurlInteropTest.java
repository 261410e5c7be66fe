package netkit.engine.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * curl, a real client, through {@code tcp-listen --proxy}'s handler: SOCKS5 (curl resolving and the
 * proxy resolving), HTTP absolute-form, HTTP CONNECT (-p), and credentials. Every address is
 * loopback; curl's own proxy environment and config are switched off. Skipped, with the reason
 * printed, where curl is not installed (scripts/interop-proxy.sh installs it).
 */
class CurlInteropTest {
    private static String curl;

    @BeforeAll
    static void findCurl() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "curl"))) {
                curl = Path.of(dir, "curl").toString();
                return;
            }
        }
        System.out.println("CurlInteropTest skipped: curl is not installed (scripts/interop-proxy.sh installs it)");
    }

    /** An HTTP origin on loopback that answers every request with its own request line. */
    private static final class Origin implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        Origin() throws IOException {
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 100; i++) {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        StringBuilder head = new StringBuilder();
                        while (!head.toString().endsWith("\r\n\r\n") && head.length() < 16384) {
                            int b = in.read();
                            if (b < 0) {
                                break;
                            }
                            head.append((char) b);
                        }
                        String body = head.toString().lines().findFirst().orElse("") + "\n";
                        s.getOutputStream()
                                .write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                                                + "\r\nConnection: close\r\n\r\n" + body)
                                        .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private record Result(int exit, String out) {}

    private static Result curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(curl, "-q", "-sS", "--max-time", "10"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (String v : List.of(
                "http_proxy",
                "https_proxy",
                "all_proxy",
                "no_proxy",
                "HTTP_PROXY",
                "HTTPS_PROXY",
                "ALL_PROXY",
                "NO_PROXY")) {
            pb.environment().remove(v); // only the proxy given on the command line, on loopback
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), out);
    }

    @Test
    @Timeout(60)
    void curlUsesTheProxyInEveryProtocol() throws Exception {
        Assumptions.assumeTrue(curl != null, "curl is not installed");
        try (Origin origin = new Origin();
                var proxy = ProxyFixture.proxy()) {
            String p = "127.0.0.1:" + proxy.port();
            int o = origin.port();
            assertEquals(
                    new Result(0, "GET /socks5 HTTP/1.1\n"), curl("--socks5", p, "http://127.0.0.1:" + o + "/socks5"));
            assertEquals(
                    new Result(0, "GET /socks5h HTTP/1.1\n"),
                    curl("--socks5-hostname", p, "http://localhost:" + o + "/socks5h"));
            assertEquals(
                    new Result(0, "GET /socks4a HTTP/1.1\n"),
                    curl("--socks4a", p, "http://localhost:" + o + "/socks4a"));
            // -x http:// sends the absolute form, which the proxy rewrites to the origin form
            assertEquals(
                    new Result(0, "GET /absolute HTTP/1.1\n"),
                    curl("-x", "http://" + p, "http://127.0.0.1:" + o + "/absolute"));
            assertEquals(
                    new Result(0, "GET /tunnel HTTP/1.1\n"),
                    curl("-p", "-x", "http://" + p, "http://127.0.0.1:" + o + "/tunnel"));
        }
    }

    @Test
    @Timeout(60)
    void curlLogsInWithProxyUserAndIsTurnedAwayWithout() throws Exception {
        Assumptions.assumeTrue(curl != null, "curl is not installed");
        ProxyServerOptions auth = new ProxyServerOptions("u", "pw", DestinationRules.OPEN, ProxyFixture.TIMEOUT, null);
        try (Origin origin = new Origin();
                var proxy = ProxyFixture.proxy(auth)) {
            String p = "127.0.0.1:" + proxy.port();
            String url = "http://127.0.0.1:" + origin.port() + "/auth";
            assertEquals(new Result(0, "GET /auth HTTP/1.1\n"), curl("--socks5", p, "--proxy-user", "u:pw", url));
            assertEquals(new Result(0, "GET /auth HTTP/1.1\n"), curl("-x", "http://" + p, "--proxy-user", "u:pw", url));
            assertEquals(
                    new Result(0, "GET /auth HTTP/1.1\n"),
                    curl("-p", "-x", "http://" + p, "--proxy-user", "u:pw", url));
            assertNotEquals(
                    0, curl("--socks5", p, "--proxy-user", "u:wrong", url).exit());
            assertNotEquals(0, curl("-f", "-x", "http://" + p, url).exit()); // 407
            assertNotEquals(
                    0,
                    curl("-p", "-x", "http://" + p, "--proxy-user", "u:wrong", url)
                            .exit());
        }
    }
}
