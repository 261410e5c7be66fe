package netkit.cli;

import static netkit.cli.UdpTestPeers.payload;
import static netkit.cli.UdpTestPeers.peer;
import static netkit.cli.UdpTestPeers.receive;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UdpSendCommandTest {
    private static final Duration LIMIT = Duration.ofSeconds(15);

    private static UdpCommandRun send(InputStream stdin, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "udp-send";
        System.arraycopy(args, 0, all, 1, args.length);
        return UdpCommandRun.start(stdin, all);
    }

    private static UdpCommandRun send(String... args) {
        return send(new ByteArrayInputStream(new byte[0]), args);
    }

    private static String text(DatagramPacket p) {
        return new String(payload(p), StandardCharsets.UTF_8);
    }

    @Test
    void messageWordsAreSentExactlyWithoutNewline() throws Exception {
        try (DatagramSocket receiver = peer("127.0.0.1")) {
            UdpCommandRun run = send("-v", "127.0.0.1", String.valueOf(receiver.getLocalPort()), "hello", "world");
            assertEquals("hello world", text(receive(receiver)));
            assertEquals(0, run.awaitExit(LIMIT));
            run.awaitErr("sent 11 bytes to 127.0.0.1:" + receiver.getLocalPort(), LIMIT);
        }
    }

    @Test
    void stdinLinesBecomeOneDatagramEachWithTheirNewline() throws Exception {
        try (DatagramSocket receiver = peer("127.0.0.1")) {
            UdpCommandRun run = send(
                    new ByteArrayInputStream("a\nbb\n\nlast".getBytes(StandardCharsets.UTF_8)),
                    "127.0.0.1",
                    String.valueOf(receiver.getLocalPort()));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                got.add(text(receive(receiver)));
            }
            assertEquals(List.of("a\n", "bb\n", "\n", "last"), got);
            assertEquals(0, run.awaitExit(LIMIT));
        }
    }

    @Test
    void chunkCutsBinaryStdinIntoFixedSizeDatagrams() throws Exception {
        byte[] data = new byte[1000];
        new Random(1).nextBytes(data);
        try (DatagramSocket receiver = peer("127.0.0.1")) {
            UdpCommandRun run = send(
                    new ByteArrayInputStream(data),
                    "--chunk",
                    "300",
                    "127.0.0.1",
                    String.valueOf(receiver.getLocalPort()));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                byte[] p = payload(receive(receiver));
                sizes.add(p.length);
                all.write(p);
            }
            assertEquals(List.of(300, 300, 300, 100), sizes);
            assertEquals(UdpTestPeers.sha256(data), UdpTestPeers.sha256(all.toByteArray()));
            assertEquals(0, run.awaitExit(LIMIT));
        }
    }

    @Test
    void countRepeatsTheMessageIntervalApart() throws Exception {
        try (DatagramSocket receiver = peer("127.0.0.1")) {
            long start = System.nanoTime();
            UdpCommandRun run = send(
                    "-c", "3", "--interval", "100ms", "127.0.0.1", String.valueOf(receiver.getLocalPort()), "tick");
            for (int i = 0; i < 3; i++) {
                assertEquals("tick", text(receive(receiver)));
            }
            assertEquals(0, run.awaitExit(LIMIT));
            assertTrue(System.nanoTime() - start >= 200_000_000L, "two pauses of 100ms");
        }
    }

    @Test
    void waitReplyPrintsTheReplyAndEndsOnceEveryDatagramWasAnswered() throws Exception {
        try (DatagramSocket server = peer("127.0.0.1")) {
            long start = System.nanoTime();
            UdpCommandRun run = send("-r10s", "127.0.0.1", String.valueOf(server.getLocalPort()), "ping");
            DatagramPacket request = receive(server);
            assertEquals("ping", text(request));
            server.send(new DatagramPacket("pong\n".getBytes(StandardCharsets.UTF_8), 5, request.getSocketAddress()));
            assertEquals(0, run.awaitExit(LIMIT));
            assertEquals("pong\n", run.stdoutText());
            assertTrue(System.nanoTime() - start < 8_000_000_000L, "did not wait the whole 10s");
        }
    }

    @Test
    void waitReplyWithJsonPrintsReplyRecordsWithSenderInfo() throws Exception {
        try (DatagramSocket server = peer("127.0.0.1")) {
            UdpCommandRun run =
                    send("--json", "--wait-reply=10s", "127.0.0.1", String.valueOf(server.getLocalPort()), "q");
            DatagramPacket request = receive(server);
            server.send(new DatagramPacket(new byte[] {'a'}, 1, request.getSocketAddress()));
            assertEquals(0, run.awaitExit(LIMIT));
            assertEquals(
                    "{\"event\":\"message\",\"address\":\"127.0.0.1\",\"family\":\"IPv4\",\"port\":"
                            + server.getLocalPort() + ",\"size\":1,\"text\":\"a\"}\n",
                    run.stdoutText());
            run.awaitErr(
                    "{\"event\":\"sent\",\"address\":\"127.0.0.1\",\"port\":" + server.getLocalPort() + ",\"bytes\":1}",
                    LIMIT);
        }
    }

    @Test
    void waitReplyExitsFourWhenNobodyAnswers() throws Exception {
        try (DatagramSocket silent = peer("127.0.0.1")) {
            UdpCommandRun run = send("-r300ms", "127.0.0.1", String.valueOf(silent.getLocalPort()), "anyone?");
            assertEquals(4, run.awaitExit(LIMIT));
            run.awaitErr("no reply from 127.0.0.1:" + silent.getLocalPort() + " within 300ms", LIMIT);
        }
    }

    @Test
    void portUnreachableIsConnectionRefusedExitThree() throws Exception {
        int closed = UdpTestPeers.closedPort("127.0.0.1");
        UdpCommandRun run = send("-r5s", "127.0.0.1", String.valueOf(closed), "hello?");
        assertEquals(3, run.awaitExit(LIMIT));
        run.awaitErr("127.0.0.1:" + closed + ": connection refused", LIMIT);
    }

    @Test
    void stdinModeSeesPortUnreachableWhileStdinIsStillOpen() throws Exception {
        int closed = UdpTestPeers.closedPort("127.0.0.1");
        PipedOutputStream typed = new PipedOutputStream();
        UdpCommandRun run = send(new PipedInputStream(typed), "127.0.0.1", String.valueOf(closed));
        typed.write("first line\n".getBytes(StandardCharsets.UTF_8));
        typed.flush();
        assertEquals(3, run.awaitExit(LIMIT));
        run.awaitErr("connection refused", LIMIT);
        typed.close();
    }

    @Test
    void stdinModePrintsRepliesWhileSending() throws Exception {
        PipedOutputStream typed = new PipedOutputStream();
        try (DatagramSocket server = peer("127.0.0.1")) {
            UdpCommandRun run =
                    send(new PipedInputStream(typed), "-v", "127.0.0.1", String.valueOf(server.getLocalPort()));
            typed.write("knock\n".getBytes(StandardCharsets.UTF_8));
            typed.flush();
            DatagramPacket request = receive(server);
            server.send(new DatagramPacket("who\n".getBytes(StandardCharsets.UTF_8), 4, request.getSocketAddress()));
            run.awaitErr("from 127.0.0.1:" + server.getLocalPort() + " (IPv4, 4 bytes)", LIMIT);
            typed.close();
            assertEquals(0, run.awaitExit(LIMIT));
            assertEquals("who\n", run.stdoutText());
        }
    }

    @Test
    void ipv6LoopbackWorks() throws Exception {
        try (DatagramSocket receiver = peer("::1")) {
            UdpCommandRun run = send("-6", "::1", String.valueOf(receiver.getLocalPort()), "v6");
            DatagramPacket p = receive(receiver);
            assertEquals("v6", text(p));
            assertEquals("/0:0:0:0:0:0:0:1", p.getAddress().toString());
            assertEquals(0, run.awaitExit(LIMIT));
        }
    }

    @Test
    void sourceAddressAndPortAreUsed() throws Exception {
        int sourcePort = UdpTestPeers.closedPort("127.0.0.2");
        try (DatagramSocket receiver = peer("127.0.0.1")) {
            UdpCommandRun run = send(
                    "-s",
                    "127.0.0.2",
                    "-p",
                    String.valueOf(sourcePort),
                    "127.0.0.1",
                    String.valueOf(receiver.getLocalPort()),
                    "x");
            DatagramPacket p = receive(receiver);
            assertEquals("127.0.0.2", p.getAddress().getHostAddress());
            assertEquals(sourcePort, p.getPort());
            assertEquals(0, run.awaitExit(LIMIT));
        }
    }

    @Test
    void ttlIsSetWithSetsockoptAndReadBack() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 22, "FFM is final from Java 22");
        try (DatagramSocket receiver = peer("127.0.0.1")) {
            UdpCommandRun run = send("-vv", "--ttl", "7", "127.0.0.1", String.valueOf(receiver.getLocalPort()), "t");
            assertEquals("t", text(receive(receiver)));
            assertEquals(0, run.awaitExit(LIMIT));
            run.awaitErr("TTL 7 (read back with getsockopt)", LIMIT);
        }
    }

    @Test
    void emptyMessageIsSentAsAnEmptyDatagram() throws Exception {
        try (DatagramSocket receiver = peer("127.0.0.1")) {
            UdpCommandRun run = send("127.0.0.1", String.valueOf(receiver.getLocalPort()), "");
            assertArrayEquals(new byte[0], payload(receive(receiver)));
            assertEquals(0, run.awaitExit(LIMIT));
        }
    }

    @Test
    void countWithoutMessageIsAUsageError() throws Exception {
        UdpCommandRun run = send("-c", "2", "127.0.0.1", "9");
        assertEquals(2, run.awaitExit(LIMIT));
        run.awaitErr("-c/--count repeats MESSAGE", LIMIT);
    }

    @Test
    void multicastOptionsNeedAMulticastHost() throws Exception {
        UdpCommandRun run = send("--multicast-ttl", "1", "127.0.0.1", "9", "x");
        assertEquals(2, run.awaitExit(LIMIT));
        run.awaitErr("need a multicast HOST", LIMIT);
    }

    @Test
    void badTtlIsAUsageErrorQuotingTheValue() throws Exception {
        UdpCommandRun run = send("--ttl", "0", "127.0.0.1", "9", "x");
        assertEquals(2, run.awaitExit(LIMIT));
        assertEquals(List.of("netkit: invalid value for --ttl: '0' (expected 1-255)"), run.errSoFar());
    }

    @Test
    void sourceOfTheOtherFamilyNamesHostNotAnUngivenFlag() throws Exception {
        UdpCommandRun run = send("-s", "::1", "127.0.0.1", "9", "x");
        assertEquals(2, run.awaitExit(LIMIT));
        assertEquals(List.of("netkit: --source '::1' is IPv6 but HOST '127.0.0.1' is IPv4"), run.errSoFar());
    }

    @Test
    void emptyStdinStillWaitsTheWholeReplyWaitBeforeExit4() throws Exception {
        try (DatagramSocket silent = peer("127.0.0.1")) {
            long start = System.nanoTime();
            UdpCommandRun run = send("-r2s", "127.0.0.1", String.valueOf(silent.getLocalPort()));
            assertEquals(4, run.awaitExit(LIMIT));
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertTrue(waitedMs >= 2000, "exit 4 'no reply within 2s' came after " + waitedMs + " ms");
            run.awaitErr("no reply from 127.0.0.1:" + silent.getLocalPort() + " within 2s (--wait-reply)", LIMIT);
        }
    }
}
