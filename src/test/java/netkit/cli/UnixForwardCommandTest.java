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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import netkit.Stdio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** -U on tcp-connect/tcp-listen (SPEC §11) and --forward on tcp-listen/udp-listen (SPEC §12), as commands. */
@Timeout(30)
class UnixForwardCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** Runs a command to its end; returns exit code and stderr. */
    private static String[] run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(
                InputStream.nullInputStream(),
                new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int code = Netkit.commandLine(stdio).execute(args);
        return new String[] {String.valueOf(code), err.toString(StandardCharsets.UTF_8)};
    }

    private void assertUsage(String expected, String... args) {
        String[] r = run(args);
        assertEquals("2", r[0], String.join(" ", args) + ": " + r[1]);
        assertTrue(
                r[1].startsWith("netkit: ")
                        && r[1].contains(expected)
                        && r[1].lines().count() == 1,
                String.join(" ", args) + ": " + r[1]);
    }

    @Test
    void optionsThatOnlyMeanSomethingForIpAreUsageErrorsWithUnix() {
        String sock = dir.resolve("x.sock").toString();
        assertUsage("-4 cannot be combined with -U/--unix", "tcp-listen", "-U", sock, "-4");
        assertUsage("--nodelay cannot be combined with -U/--unix", "tcp-listen", "-U", sock, "--nodelay");
        assertUsage("--allow cannot be combined with -U/--unix", "tcp-listen", "-U", sock, "--allow", "127.0.0.0/8");
        assertUsage("--keepalive cannot be combined with -U/--unix", "tcp-listen", "-U", sock, "--keepalive");
        assertUsage("[ADDRESS] PORT cannot be combined with -U/--unix (got '8080')", "tcp-listen", "-U", sock, "8080");
        assertUsage("invalid value for -U/--unix: '@name'", "tcp-listen", "-U", "@name");
        assertUsage("--mode needs -U/--unix PATH", "tcp-listen", "--mode", "600", "127.0.0.1", "0");
        assertUsage("--unlink needs -U/--unix PATH", "tcp-listen", "--unlink", "127.0.0.1", "0");
        assertUsage("invalid value for --mode: '0999'", "tcp-listen", "-U", sock, "--mode", "0999");
        assertUsage("missing [ADDRESS] PORT (or -U/--unix PATH)", "tcp-listen");
        assertUsage("-s/--source cannot be combined with -U/--unix", "tcp-connect", "-U", sock, "-s", "127.0.0.1");
        assertUsage("-6 cannot be combined with -U/--unix", "tcp-connect", "-U", sock, "-6");
        assertUsage("HOST PORT cannot be combined with -U/--unix", "tcp-connect", "-U", sock, "localhost", "80");
        assertUsage("missing HOST PORT (or -U/--unix PATH)", "tcp-connect");
        assertUsage("-z/--scan cannot be combined with -U/--unix", "tcp-connect", "-z", "-U", sock);
        assertFalse(Files.exists(Path.of(sock)));
    }

    @Test
    void forwardIsAServerModeOfItsOwn() {
        assertUsage(
                "--echo and --forward cannot be combined",
                "tcp-listen",
                "--echo",
                "--forward",
                "127.0.0.1:9",
                "127.0.0.1",
                "0");
        assertUsage(
                "-C/--crlf cannot be combined with --forward",
                "tcp-listen",
                "-C",
                "--forward",
                "127.0.0.1:9",
                "127.0.0.1",
                "0");
        assertUsage("invalid value for --forward: 'nope'", "tcp-listen", "--forward", "nope", "127.0.0.1", "0");
        assertUsage(
                "--forward-timeout needs --forward TARGET", "tcp-listen", "--forward-timeout", "1s", "127.0.0.1", "0");
        assertUsage(
                "--echo cannot be combined with --forward",
                "udp-listen",
                "--echo",
                "--forward",
                "127.0.0.1:53",
                "127.0.0.1",
                "0");
        assertUsage("-m/--max-mappings needs --forward HOST:PORT", "udp-listen", "-m", "3", "127.0.0.1", "0");
        assertUsage(
                "udp-listen forwards to HOST:PORT only", "udp-listen", "--forward", "unix:/tmp/x", "127.0.0.1", "0");
    }

    @Test
    void relayOverAUnixSocketBothWaysAndTheFileIsGoneAfterwards() throws Exception {
        Path sock = dir.resolve("relay.sock");
        byte[] toClient = random(1 << 20, 5);
        CommandRun listen =
                CommandRun.start(new ByteArrayInputStream(toClient), "tcp-listen", "-v", "-U", sock.toString());
        assertEquals("netkit: listening on " + sock, listen.err.await(l -> l.contains("listening"), WAIT));
        byte[] toServer = random(1 << 20, 6);
        CommandRun connect = CommandRun.start(new ByteArrayInputStream(toServer), "tcp-connect", "-U", sock.toString());
        assertEquals(0, connect.exitCode(WAIT));
        assertEquals(0, listen.exitCode(WAIT));
        assertEquals(sha256(toClient), sha256(((CommandRun.SyncBytes) connect.out).bytes()));
        assertEquals(sha256(toServer), sha256(((CommandRun.SyncBytes) listen.out).bytes()));
        assertFalse(Files.exists(sock), "socket file removed at exit");
    }

    @Test
    void execOverUnixSeesThePathAsRemoteAddress() throws Exception {
        Path sock = dir.resolve("exec.sock");
        CommandRun listen = CommandRun.start(
                InputStream.nullInputStream(),
                "tcp-listen",
                "-v",
                "-U",
                sock.toString(),
                "--sh-exec",
                "echo \"$NETKIT_REMOTE_ADDR ${NETKIT_REMOTE_PORT-none}\"");
        listen.err.await(l -> l.contains("listening"), WAIT);
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(sock));
            c.shutdownOutput();
            assertEquals(sock + " none\n", new String(readAll(Channels.newInputStream(c)), StandardCharsets.UTF_8));
        }
        assertEquals(0, listen.exitCode(WAIT));
    }

    @Test
    void forwardReportsOneJsonCloseEventWithBothSidesAndTheUpstreamsCode() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int upPort = upstream.getLocalPort();
            Path sock = dir.resolve("fwd.sock");
            CommandRun fwd = CommandRun.start(
                    InputStream.nullInputStream(),
                    "tcp-listen",
                    "--json",
                    "-c",
                    "2",
                    "-U",
                    sock.toString(),
                    "--forward",
                    "127.0.0.1:" + upPort);
            fwd.err.await(l -> l.contains("\"listening\""), WAIT);
            byte[] payload = random(300_000, 7);
            Thread.ofVirtual().start(() -> {
                try (Socket s = upstream.accept()) {
                    s.getOutputStream().write(readAll(s.getInputStream())); // echo after the client's FIN
                } catch (Exception ignored) {
                    // the test fails on the client side
                }
            });
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(UnixDomainSocketAddress.of(sock));
                c.write(ByteBuffer.wrap(payload));
                c.shutdownOutput();
                assertEquals(sha256(payload), sha256(readAll(Channels.newInputStream(c))));
            }
            String close = fwd.err.await(l -> l.contains("\"close\""), WAIT);
            assertTrue(
                    close.contains("\"bytesRead\":300000,\"bytesWritten\":300000")
                            && close.contains("\"upstream\":{\"address\":\"127.0.0.1\",\"port\":" + upPort
                                    + ",\"family\":\"IPv4\"," + "\"bytesRead\":300000,\"bytesWritten\":300000}"),
                    close);
            upstream.close(); // the second client's upstream is refused
            try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                c.connect(UnixDomainSocketAddress.of(sock));
                assertEquals(-1, c.read(ByteBuffer.allocate(4)));
            }
            String refused = fwd.err.await(l -> l.contains("\"close\",\"id\":2"), WAIT);
            assertTrue(refused.contains("\"hadError\":true") && refused.contains("\"code\":\"ECONNREFUSED\""), refused);
            assertEquals(0, fwd.exitCode(WAIT));
            assertFalse(Files.exists(sock));
        }
    }

    @Test
    void udpForwardRelaysRepliesToTheirClient() throws Exception {
        try (var upstream = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
                var client = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            CommandRun fwd = CommandRun.start(
                    InputStream.nullInputStream(),
                    "udp-listen",
                    "-v",
                    "-i",
                    "5s",
                    "--forward",
                    "127.0.0.1:" + upstream.getLocalPort(),
                    "127.0.0.1",
                    "0");
            String line = fwd.err.await(l -> l.contains("listening on 127.0.0.1:"), WAIT);
            int port = Integer.parseInt(line.replaceAll(".*listening on 127\\.0\\.0\\.1:(\\d+).*", "$1"));
            Thread.ofVirtual().start(() -> {
                try {
                    var p = new java.net.DatagramPacket(new byte[512], 512);
                    upstream.receive(p);
                    byte[] answer = ("re:" + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    upstream.send(new java.net.DatagramPacket(answer, answer.length, p.getSocketAddress()));
                } catch (Exception ignored) {
                    // the client's receive times out
                }
            });
            byte[] q = "query".getBytes(StandardCharsets.UTF_8);
            client.send(new java.net.DatagramPacket(
                    q, q.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            client.setSoTimeout(10_000);
            var reply = new java.net.DatagramPacket(new byte[512], 512);
            client.receive(reply);
            assertEquals("re:query", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
            assertTrue(fwd.err
                    .await(l -> l.startsWith("netkit: mapping 127.0.0.1:" + client.getLocalPort()), WAIT)
                    .endsWith("(1 open)"));
            assertFalse(fwd.stdout().contains("query"), "payloads are not printed");
        }
    }
}
