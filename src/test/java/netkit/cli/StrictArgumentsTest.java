package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netkit.Stdio;
import netkit.cli.CommandLineRulesTest.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Arguments are never dropped, moved or guessed (SPEC §1, strict command lines; §7 broadcast target): each
 * case is a usage error before anything is bound or sent.
 */
@Timeout(30)
class StrictArgumentsTest {
    private static Run run(String... args) {
        return CommandLineRulesTest.run(args);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp-listen", "udp-listen"})
    void aPortTooManyIsAUsageErrorAndNothingIsBound(String command) {
        Run r = run(command, "-v", "127.0.0.1", "23501", "23502");
        assertEquals(new Run(2, "netkit: unexpected argument '23502' (expected [ADDRESS] PORT)\n"), r);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tcp-listen", "udp-listen"})
    void aBareNumberIsAPortNeverAnAddress(String command) {
        assertEquals(
                new Run(2, "netkit: invalid value for ADDRESS: '20801' (a bare number is a port, not an address)\n"),
                run(command, "20801", "20802"));
    }

    @Test
    void shorthandDottedNumbersFollowIsipsLiteralRules() {
        assertEquals(
                new Run(
                        2,
                        "netkit: invalid value for ADDRESS: '127.1' (not an IPv4 address: write all four "
                                + "parts, e.g. 127.0.0.1, as isip accepts them)\n"),
                run("tcp-listen", "127.1", "0"));
        assertEquals(2, run("tcp-connect", "127.1", "80").exit());
        assertEquals(2, run("udp-send", "10.1", "9", "x").exit());
    }

    @Test
    void anEmptyHostIsAUsageErrorQuotingItNeverTheLocalMachine() {
        String expected = "netkit: invalid value for HOST: '' (expected a host name or address)\n";
        assertEquals(new Run(2, expected), run("tcp-connect", "", "80"));
        assertEquals(new Run(2, expected), run("tcp-connect", "-z", "", "80"));
        assertEquals(new Run(2, expected), run("udp-send", "", "80", "hi"));
        assertEquals(
                new Run(2, "netkit: invalid value for ADDRESS: '' (expected a host name or address)\n"),
                run("udp-listen", "", "0"));
        assertEquals(2, run("tcp-connect", "-s", "", "127.0.0.1", "80").exit());
    }

    @Test
    void anEmptyHostOnTheFastPathIsTheSameUsageError() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Stdio stdio = Stdio.of(
                InputStream.nullInputStream(),
                OutputStream.nullOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, Netkit.runFast(stdio, new String[] {"tcp-connect", "-z", "", "80"}));
        assertEquals(
                "netkit: invalid value for HOST: '' (expected a host name or address)\n",
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void broadcastWithoutATargetIsAUsageErrorInsteadOfTheDefaultRoute() {
        Run r = run("broadcast", "9999", "hello");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("netkit: broadcast needs its target: --address ADDR"), r.err());
    }

    /** stdout and stderr into one stream, as a terminal shows them. */
    @Test
    void eachVerboseSenderLineStandsAboveItsOwnPayload() throws Exception {
        OrderedScreen screen = new OrderedScreen();
        PrintStream err = new PrintStream(screen, true, StandardCharsets.UTF_8);
        Stdio stdio = Stdio.of(new ByteArrayInputStream(new byte[0]), screen, err);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
                () -> Netkit.commandLine(stdio).execute("udp-listen", "-v", "-c", "20", "127.0.0.1", "0"));
        Matcher port = screen.await(Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)\n"));
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            for (int i = 0; i < 20; i++) {
                byte[] b = ("payload-" + i + ";").getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(
                        b, b.length, InetAddress.getByName("127.0.0.1"), Integer.parseInt(port.group(1))));
            }
            assertEquals(0, exit.get(20, TimeUnit.SECONDS));
            String text = screen.text();
            String from = "netkit: from 127.0.0.1:" + s.getLocalPort() + " (IPv4, ";
            for (int i = 0; i < 20; i++) {
                String p = "payload-" + i + ";";
                assertTrue(text.contains(from + p.length() + " bytes)\n" + p), text);
            }
        }
    }

    private static final class OrderedScreen extends OutputStream {
        private final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void write(int b) {
            text.append((char) b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            text.append(new String(b, off, len, StandardCharsets.UTF_8));
            notifyAll();
        }

        synchronized String text() {
            return text.toString();
        }

        synchronized Matcher await(Pattern p) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (true) {
                Matcher m = p.matcher(text);
                if (m.find()) {
                    return m;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out; so far: " + text);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }
    }
}
