package netkit.cli;

import static netkit.cli.UdpTestPeers.payload;
import static netkit.cli.UdpTestPeers.receive;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Loopback only: every broadcast goes to 127.255.255.255, never to 255.255.255.255. */
@Timeout(30)
class BroadcastCommandTest {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final String LOOPBACK_BROADCAST = "127.255.255.255";

    private static UdpCommandRun run(String... args) {
        return UdpCommandRun.start(new ByteArrayInputStream(new byte[0]), args);
    }

    /** A receiver bound to the wildcard address, where broadcasts are delivered. */
    private static DatagramSocket wildcardReceiver() throws Exception {
        DatagramSocket s = new DatagramSocket(null);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
        s.setSoTimeout(10_000);
        return s;
    }

    @Test
    void broadcastToTheLoopbackBroadcastAddressReachesWildcardReceivers() throws Exception {
        try (DatagramSocket receiver = wildcardReceiver()) {
            UdpCommandRun b = run(
                    "broadcast",
                    "-v",
                    "--address",
                    LOOPBACK_BROADCAST,
                    String.valueOf(receiver.getLocalPort()),
                    "hello",
                    "all");
            DatagramPacket p = receive(receiver);
            assertEquals("hello all", new String(payload(p), StandardCharsets.UTF_8));
            assertEquals(0, b.awaitExit(LIMIT));
            b.awaitErr("sent 9 bytes to " + LOOPBACK_BROADCAST + ":" + receiver.getLocalPort(), LIMIT);
        }
    }

    @Test
    void withoutSoBroadcastTheKernelRefusesABroadcastAddress() throws Exception {
        try (DatagramSocket receiver = wildcardReceiver()) {
            UdpCommandRun plain = run("udp-send", LOOPBACK_BROADCAST, String.valueOf(receiver.getLocalPort()), "x");
            assertEquals(6, plain.awaitExit(LIMIT));
            plain.awaitErr("permission denied (a broadcast address needs --broadcast)", LIMIT);

            UdpCommandRun allowed =
                    run("udp-send", "--broadcast", LOOPBACK_BROADCAST, String.valueOf(receiver.getLocalPort()), "y");
            assertEquals("y", new String(payload(receive(receiver)), StandardCharsets.UTF_8));
            assertEquals(0, allowed.awaitExit(LIMIT));
        }
    }

    @Test
    void discoveryListsEveryResponder() throws Exception {
        int port = UdpTestPeers.closedPort("0.0.0.0");
        UdpCommandRun alpha = run("broadcast", "--listen", "-v", "-c", "1", "--reply", "alpha\n", String.valueOf(port));
        UdpCommandRun beta = run("broadcast", "--listen", "-v", "-c", "1", "--reply", "beta\n", String.valueOf(port));
        alpha.awaitErr("listening on 0.0.0.0:" + port, LIMIT);
        beta.awaitErr("listening on 0.0.0.0:" + port, LIMIT);
        UdpCommandRun ask = run(
                "broadcast", "--json", "-r1s", "--address", LOOPBACK_BROADCAST, String.valueOf(port), "who is there?");
        assertEquals(0, ask.awaitExit(LIMIT));
        String out = ask.stdoutText();
        assertTrue(out.contains("\"text\":\"alpha\\n\"") && out.contains("\"text\":\"beta\\n\""), out);
        assertEquals(2, out.lines().count(), out);
        assertEquals(0, alpha.awaitExit(LIMIT));
        assertEquals(0, beta.awaitExit(LIMIT));
        assertEquals("who is there?", alpha.stdoutText());
        alpha.awaitErr("sent 6 bytes to 127.0.0.1:", LIMIT);
    }

    @Test
    void discoveryWithoutAnyResponderExitsFour() throws Exception {
        UdpCommandRun ask = run(
                "broadcast",
                "-r300ms",
                "--address",
                LOOPBACK_BROADCAST,
                String.valueOf(UdpTestPeers.closedPort("0.0.0.0")),
                "anyone?");
        assertEquals(4, ask.awaitExit(LIMIT));
        ask.awaitErr("no reply from 127.255.255.255:", LIMIT);
    }

    @Test
    void listenPrintsBroadcastsLikeUdpListen() throws Exception {
        int port = UdpTestPeers.closedPort("0.0.0.0");
        UdpCommandRun listen = run("broadcast", "--listen", "--json", "-c", "1", String.valueOf(port));
        listen.awaitListeningPort();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            s.setBroadcast(true);
            byte[] b = "ping".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(
                    b, b.length, new InetSocketAddress(InetAddress.getByName(LOOPBACK_BROADCAST), port)));
            assertEquals(0, listen.awaitExit(LIMIT));
            assertEquals(
                    "{\"event\":\"message\",\"address\":\"127.0.0.1\",\"family\":\"IPv4\",\"port\":" + s.getLocalPort()
                            + ",\"size\":4,\"text\":\"ping\"}\n",
                    listen.stdoutText());
        }
    }

    @Test
    void ipv6IsAUsageErrorThatPointsToMulticast() throws Exception {
        UdpCommandRun r = run("broadcast", "-6", "9999", "x");
        assertEquals(2, r.awaitExit(LIMIT));
        assertTrue(r.errSoFar().get(0).contains("ff02::1"), r.errSoFar().toString());
    }

    @Test
    void anInterfaceWithoutABroadcastAddressExitsSix() throws Exception {
        UdpCommandRun r = run("broadcast", "--interface", "lo", "9999", "x");
        assertEquals(6, r.awaitExit(LIMIT));
        assertEquals(
                List.of("netkit: interface 'lo' has no IPv4 broadcast address (loopback and point-to-point "
                        + "links have none); give --address, e.g. 127.255.255.255 on lo"),
                r.errSoFar());
    }

    @Test
    void replyWithoutListenIsAUsageError() throws Exception {
        UdpCommandRun r = run("broadcast", "--reply", "x", "9999", "x");
        assertEquals(2, r.awaitExit(LIMIT));
        r.awaitErr("--reply and --idle-timeout need --listen", LIMIT);
    }

    @Test
    void anIpv6AddressIsAUsageErrorThatDoesNotBlameAnUngivenFlag() throws Exception {
        UdpCommandRun run = run("broadcast", "--address", "::1", "9", "x");
        assertEquals(2, run.awaitExit(LIMIT));
        assertEquals(
                List.of("netkit: --address '::1' is IPv6 but broadcast is IPv4 only (IPv6 has none: use "
                        + "multicast-join ff02::1 PORT --send)"),
                run.errSoFar());
    }
}
