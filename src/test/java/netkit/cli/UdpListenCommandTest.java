package netkit.cli;

import static netkit.cli.UdpTestPeers.payload;
import static netkit.cli.UdpTestPeers.peer;
import static netkit.cli.UdpTestPeers.receive;
import static netkit.cli.UdpTestPeers.send;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class UdpListenCommandTest {
    private static final Duration LIMIT = Duration.ofSeconds(15);
    private static final Pattern RECORD = Pattern.compile(
            "\\{\"event\":\"message\",\"address\":\"([^\"]+)\",\"family\":\"(IPv[46])\",\"port\":(\\d+),\"size\":(\\d+),\"text\":\"([^\"]*)\"}");

    private static UdpCommandRun listen(String... args) {
        return UdpCommandRun.start(new ByteArrayInputStream(new byte[0]), args);
    }

    @Test
    void receivesFromManySendersAndReportsEachOnesAddressAndPort() throws Exception {
        UdpCommandRun run = listen("udp-listen", "--json", "-c", "30", "0.0.0.0", "0");
        int port = run.awaitListeningPort();
        List<DatagramSocket> senders = List.of(peer("127.0.0.1"), peer("127.0.0.2"), peer("127.0.0.3"));
        Map<String, Integer> expected = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            for (DatagramSocket s : senders) {
                String text = "from " + s.getLocalPort() + " #" + i;
                send(s, text.getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
                expected.merge(s.getLocalAddress().getHostAddress() + ":" + s.getLocalPort(), 1, Integer::sum);
            }
        }
        assertEquals(0, run.awaitExit(LIMIT));
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = RECORD.matcher(run.stdoutText());
        while (m.find()) {
            assertEquals("IPv4", m.group(2));
            assertTrue(m.group(5).startsWith("from " + m.group(3) + " #"), "payload matches its sender: " + m.group());
            assertEquals(m.group(5).length(), Integer.parseInt(m.group(4)));
            seen.merge(m.group(1) + ":" + m.group(3), 1, Integer::sum);
        }
        assertEquals(expected, seen);
        senders.forEach(DatagramSocket::close);
    }

    @Test
    void verbosePrintsSenderPerDatagramOnStderrAndPayloadUnchangedOnStdout() throws Exception {
        UdpCommandRun run = listen("udp-listen", "-v", "-c", "2", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket s = peer("127.0.0.1")) {
            send(s, "one\n".getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
            send(s, new byte[] {0, (byte) 0xff, '\r', '\n'}, "127.0.0.1", port);
            assertEquals(0, run.awaitExit(LIMIT));
            run.awaitErr("from 127.0.0.1:" + s.getLocalPort() + " (IPv4, 4 bytes)", LIMIT);
        }
        assertArrayEquals(new byte[] {'o', 'n', 'e', '\n', 0, (byte) 0xff, '\r', '\n'}, run.stdout());
    }

    @Test
    void echoSendsEveryDatagramBackToItsOwnSender() throws Exception {
        UdpCommandRun run = listen("udp-listen", "-v", "--echo", "-c", "4", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket a = peer("127.0.0.1");
                DatagramSocket b = peer("127.0.0.1")) {
            for (int i = 0; i < 2; i++) {
                send(a, ("a" + i).getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
                send(b, ("b" + i).getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
            }
            for (int i = 0; i < 2; i++) {
                assertEquals("a" + i, new String(payload(receive(a)), StandardCharsets.UTF_8));
                assertEquals("b" + i, new String(payload(receive(b)), StandardCharsets.UTF_8));
            }
        }
        assertEquals(0, run.awaitExit(LIMIT));
    }

    @Test
    void idleTimeoutExitsFourWhenNoDatagramComes() throws Exception {
        UdpCommandRun run = listen("udp-listen", "-i", "300ms", "127.0.0.1", "0");
        assertEquals(4, run.awaitExit(LIMIT));
        run.awaitErr("no datagram for 300ms", LIMIT);
    }

    @Test
    void idleTimeoutRestartsWithEveryDatagram() throws Exception {
        UdpCommandRun run = listen("udp-listen", "-v", "-i", "1s", "-c", "3", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket s = peer("127.0.0.1")) {
            for (int i = 0; i < 3; i++) {
                send(s, new byte[] {'x'}, "127.0.0.1", port);
                run.awaitErr("from 127.0.0.1:" + s.getLocalPort(), LIMIT);
            }
        }
        assertEquals(0, run.awaitExit(LIMIT));
    }

    @Test
    void emptyDatagramIsReportedWithSizeZeroAndEndsNothing() throws Exception {
        UdpCommandRun run = listen("udp-listen", "--json", "-c", "2", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket s = peer("127.0.0.1")) {
            send(s, new byte[0], "127.0.0.1", port);
            send(s, "after".getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
        }
        assertEquals(0, run.awaitExit(LIMIT));
        String[] records = run.stdoutText().split("\n");
        assertEquals(2, records.length);
        assertTrue(records[0].contains("\"size\":0,\"text\":\"\""), records[0]);
        assertTrue(records[1].contains("\"size\":5,\"text\":\"after\""), records[1]);
    }

    @Test
    void largestDatagramArrivesWhole() throws Exception {
        UdpCommandRun run = listen("udp-listen", "-v", "-c", "1", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        byte[] data = new byte[65_507];
        new Random(7).nextBytes(data);
        try (DatagramSocket s = peer("127.0.0.1")) {
            send(s, data, "127.0.0.1", port);
        }
        assertEquals(0, run.awaitExit(LIMIT));
        assertEquals(UdpTestPeers.sha256(data), UdpTestPeers.sha256(run.stdout()));
    }

    @Test
    void binaryPayloadIsBase64InJson() throws Exception {
        UdpCommandRun run = listen("udp-listen", "--json", "-c", "1", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket s = peer("127.0.0.1")) {
            send(s, new byte[] {(byte) 0xff, (byte) 0xfe}, "127.0.0.1", port);
        }
        assertEquals(0, run.awaitExit(LIMIT));
        assertTrue(run.stdoutText().contains("\"size\":2,\"base64\":\"//4=\"}"), run.stdoutText());
    }

    @Test
    void stdinLinesGoToTheMostRecentSender() throws Exception {
        PipedOutputStream typed = new PipedOutputStream();
        UdpCommandRun run = UdpCommandRun.start(
                new PipedInputStream(typed, 1 << 16), "udp-listen", "-v", "-c", "3", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket a = peer("127.0.0.1");
                DatagramSocket b = peer("127.0.0.1")) {
            send(a, "hi from a".getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
            run.awaitErr("from 127.0.0.1:" + a.getLocalPort(), LIMIT);
            typed.write("to a\n".getBytes(StandardCharsets.UTF_8));
            typed.flush();
            assertEquals("to a\n", new String(payload(receive(a)), StandardCharsets.UTF_8));

            send(b, "hi from b".getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
            run.awaitErr("from 127.0.0.1:" + b.getLocalPort(), LIMIT);
            typed.write("to b\n".getBytes(StandardCharsets.UTF_8));
            typed.flush();
            assertEquals("to b\n", new String(payload(receive(b)), StandardCharsets.UTF_8));
            send(a, "bye".getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
        }
        assertEquals(0, run.awaitExit(LIMIT));
        typed.close();
        assertEquals("hi from ahi from bbye", run.stdoutText());
    }

    @Test
    void ipv6LoopbackSenderIsReportedAsIpv6() throws Exception {
        UdpCommandRun run = listen("udp-listen", "--json", "-c", "1", "::1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket s = peer("::1")) {
            send(s, "six".getBytes(StandardCharsets.UTF_8), "::1", port);
            assertEquals(0, run.awaitExit(LIMIT));
            assertEquals(
                    "{\"event\":\"message\",\"address\":\"::1\",\"family\":\"IPv6\",\"port\":" + s.getLocalPort()
                            + ",\"size\":3,\"text\":\"six\"}\n",
                    run.stdoutText());
        }
    }

    @Test
    void dualStackByDefaultHearsIpv4AndIpv6() throws Exception {
        UdpCommandRun run = listen("udp-listen", "--json", "-c", "2", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket four = peer("127.0.0.1");
                DatagramSocket six = peer("::1")) {
            send(four, "4".getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
            send(six, "6".getBytes(StandardCharsets.UTF_8), "::1", port);
        }
        assertEquals(0, run.awaitExit(LIMIT));
        String out = run.stdoutText();
        assertTrue(out.contains("\"address\":\"127.0.0.1\",\"family\":\"IPv4\""), out);
        assertTrue(out.contains("\"address\":\"::1\",\"family\":\"IPv6\""), out);
    }

    @Test
    void verboseReportsALargeReceiveBuffer() throws Exception {
        UdpCommandRun run = listen("udp-listen", "-v", "-i", "100ms", "127.0.0.1", "0");
        String listening = run.awaitErr("listening on 127.0.0.1:", LIMIT);
        assertTrue(listening.matches("netkit: listening on 127\\.0\\.0\\.1:\\d+"), listening); // exactly TCP's line
        String line = run.awaitErr("receive buffer", LIMIT);
        Matcher m = Pattern.compile("^netkit: udp receive buffer (\\d+) bytes$").matcher(line);
        assertTrue(m.find(), line);
        // 32 MiB is asked for: granted in full with CAP_NET_ADMIN (SO_RCVBUFFORCE), else capped at rmem_max
        int asked = 32 << 20;
        int rmemMax = Integer.parseInt(
                Files.readString(Path.of("/proc/sys/net/core/rmem_max")).trim());
        int expected = netkit.sys.SocketOptions.canForceBuffers() ? asked : Math.min(asked, rmemMax);
        assertTrue(Integer.parseInt(m.group(1)) >= expected, line + " (expected at least " + expected + ")");
        assertEquals(4, run.awaitExit(LIMIT));
    }

    @Test
    void outputFileAppendsAndHexdumpLogsReceivedBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("got.bin");
        Files.writeString(file, "before:");
        Path hex = dir.resolve("dump.txt");
        UdpCommandRun run = listen(
                "udp-listen", "-c", "1", "-o", file.toString(), "--append", "--hexdump=" + hex, "-v", "127.0.0.1", "0");
        int port = run.awaitListeningPort();
        try (DatagramSocket s = peer("127.0.0.1")) {
            send(s, "hello".getBytes(StandardCharsets.UTF_8), "127.0.0.1", port);
        }
        assertEquals(0, run.awaitExit(LIMIT));
        assertEquals("before:hello", Files.readString(file));
        assertEquals(0, run.stdout().length);
        String dump = Files.readString(hex);
        assertTrue(dump.startsWith("< "), dump);
        assertTrue(dump.contains("68 65 6c 6c 6f") && dump.contains("|hello|"), dump);
    }

    @Test
    void reuseAddressLetsTwoReceiversShareThePort() throws Exception {
        UdpCommandRun first = listen("udp-listen", "--reuse-address", "-v", "-i", "2s", "127.0.0.1", "0");
        int port = first.awaitListeningPort();
        UdpCommandRun second =
                listen("udp-listen", "--reuse-address", "-v", "-i", "200ms", "127.0.0.1", String.valueOf(port));
        second.awaitErr("listening on 127.0.0.1:" + port, LIMIT);
        assertEquals(4, second.awaitExit(LIMIT));
        assertEquals(4, first.awaitExit(LIMIT));
    }

    @Test
    void portInUseExitsSix() throws Exception {
        try (DatagramSocket taken = peer("127.0.0.1")) {
            UdpCommandRun run = listen("udp-listen", "127.0.0.1", String.valueOf(taken.getLocalPort()));
            assertEquals(6, run.awaitExit(LIMIT));
            run.awaitErr("address already in use", LIMIT);
        }
    }

    @Test
    void badPortIsAUsageErrorQuotingTheValue() throws Exception {
        UdpCommandRun run = listen("udp-listen", "70000");
        assertEquals(2, run.awaitExit(LIMIT));
        assertEquals(List.of("netkit: invalid value for PORT: '70000' (expected 0-65535)"), run.errSoFar());
    }

    @Test
    void ipv4OnlyAndIpv6OnlyCannotBeCombined() throws Exception {
        UdpCommandRun run = listen("udp-listen", "-4", "-6", "0");
        assertEquals(2, run.awaitExit(LIMIT));
        assertEquals(new ArrayList<>(List.of("netkit: -4 and -6 cannot be combined")), run.errSoFar());
    }
}
