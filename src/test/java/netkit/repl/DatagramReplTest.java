package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netkit.Stdio;
import netkit.cli.Netkit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** udp-send, udp-listen and multicast-join with their session REPL, in-process, on a dumb terminal. */
@Timeout(20)
class DatagramReplTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private TestTerminal term;

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
                .withEnv(Map.of("NO_COLOR", "1"));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofPlatform()
                .daemon()
                .start(() -> exit.complete(Netkit.commandLine(stdio).execute(args)));
        return exit;
    }

    private static String receive(DatagramChannel ch, InetSocketAddress[] from) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(65536);
        SocketAddress sender = ch.receive(b);
        if (from != null) {
            from[0] = (InetSocketAddress) sender;
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
    }

    @Test
    void udpListenShowsDatagramsWithTheirSenderAndAnswersTheLastOne() throws Exception {
        CompletableFuture<Integer> exit = netkit("udp-listen", "-v", "127.0.0.1", "0");
        Matcher m = Pattern.compile("udp 127\\.0\\.0\\.1:(\\d+)> ").matcher(term.await("> "));
        assertTrue(m.find(), term.screen());
        InetSocketAddress where = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
        try (DatagramChannel peer =
                DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int peerPort = ((InetSocketAddress) peer.getLocalAddress()).getPort();
            term.type("too early\r");
            term.await("nobody to send to");
            peer.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.UTF_8)), where);
            term.await("[127.0.0.1:" + peerPort + "] ping");
            peer.send(ByteBuffer.allocate(0), where);
            term.await("empty datagram from 127.0.0.1:" + peerPort);
            term.type("pong\r");
            assertEquals("pong\n", receive(peer, null));
            term.type("/stats\r");
            term.await("bytesRead 4, bytesWritten 5, bufferSize 0, connections 0, datagrams 2 received, 1 sent");
            term.type("/quit\r");
        }
        assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    }

    @Test
    void udpSendSendsEachLineAsADatagramAndShowsReplies() throws Exception {
        try (DatagramChannel server =
                DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            CompletableFuture<Integer> exit = netkit("udp-send", "127.0.0.1", String.valueOf(port));
            term.await("127.0.0.1:" + port + "> ");
            term.type("hello\r");
            InetSocketAddress[] from = new InetSocketAddress[1];
            assertEquals("hello\n", receive(server, from));
            server.send(ByteBuffer.wrap("hi back".getBytes(StandardCharsets.UTF_8)), from[0]);
            term.await("[127.0.0.1:" + port + "] hi back");
            term.type("\u0004");
            assertEquals(0, exit.get(10, TimeUnit.SECONDS), "Ctrl-D ends udp-send's input and so the session");
        }
    }

    @Test
    void multicastJoinChangesMembershipsWhileRunning() throws Exception {
        int port;
        try (DatagramChannel probe =
                DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        CompletableFuture<Integer> exit = netkit(
                "multicast-join", "--interface", "lo", "--send", "--ttl", "0", "239.255.42.1", String.valueOf(port));
        term.await("239.255.42.1:" + port + "> ");
        term.type("/join 239.255.42.2\r");
        term.await("netkit: joined 239.255.42.2");
        term.type("/stats\r");
        term.await("groups [239.255.42.1, 239.255.42.2]");
        term.type("/leave 239.255.42.2\r");
        term.await("netkit: left 239.255.42.2");
        term.type("/join 10.0.0.1\r");
        term.await("invalid value for GROUP: '10.0.0.1'");
        term.type("to the group\r");
        term.await("] to the group"); // loopback on: our own datagram comes back
        term.type("\u0003");
        assertEquals(130, exit.get(10, TimeUnit.SECONDS));
    }
}
