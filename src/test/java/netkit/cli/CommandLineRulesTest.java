package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netkit.Stdio;
import netkit.engine.tcp.StdinEofPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * How command lines are read (SPEC §1, strict command lines): optional values, server modes and the
 * options each allows, -4/-6. Parsing only, or commands that fail before they touch the network.
 */
@Timeout(30)
class CommandLineRulesTest {
    /** Parses {@code args} and returns the subcommand object with its fields set. */
    @SuppressWarnings("unchecked")
    private static <T> T parse(String... args) {
        CommandLine cl = Netkit.commandLine(Stdio.of(
                InputStream.nullInputStream(),
                new ByteArrayOutputStream(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        return (T) cl.parseArgs(args).subcommand().commandSpec().userObject();
    }

    record Run(int exit, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(
                InputStream.nullInputStream(),
                new ByteArrayOutputStream(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit = Netkit.commandLine(stdio).execute(args);
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }

    // ---- options with an optional value (issue 18.3) ----

    @Test
    void aDurationBeforeTheArgumentsIsTheWaitNotTheHost() {
        UdpSendCommand c = parse("udp-send", "-r", "1s", "127.0.0.1", "9", "ping");
        assertEquals(Duration.ofSeconds(1), c.waitReply);
        assertEquals("127.0.0.1", c.host);
        assertEquals(List.of("ping"), c.message);
    }

    @Test
    void aDurationAfterTheOptionNeverMovesIntoThePayload() {
        UdpSendCommand c = parse("udp-send", "127.0.0.1", "9", "-r", "1s", "ping");
        assertEquals(Duration.ofSeconds(1), c.waitReply);
        assertEquals(List.of("ping"), c.message);
    }

    @Test
    void aWordThatIsNotADurationStaysAnArgumentAndTheDefaultWaitApplies() {
        UdpSendCommand c = parse("udp-send", "-r", "127.0.0.1", "9", "ping");
        assertEquals(Duration.ofSeconds(2), c.waitReply);
        assertEquals("127.0.0.1", c.host);
        UdpSendCommand d = parse("udp-send", "127.0.0.1", "9", "-r", "ping");
        assertEquals(Duration.ofSeconds(2), d.waitReply);
        assertEquals(List.of("ping"), d.message);
    }

    @Test
    void attachedValuesAreAlwaysTheValue() {
        UdpSendCommand c = parse("udp-send", "-r5s", "127.0.0.1", "9");
        assertEquals(Duration.ofSeconds(5), c.waitReply);
        TcpConnectCommand t = parse("tcp-connect", "--hexdump=127.0.0.1", "127.0.0.1", "80");
        assertEquals("127.0.0.1", t.session.hexdump);
    }

    @Test
    void hexdumpFileBeforeHostAndPortIsTheFileAsNcatUsersTypeIt() {
        TcpConnectCommand c = parse("tcp-connect", "-x", "dump.txt", "127.0.0.1", "80");
        assertEquals("dump.txt", c.session.hexdump);
        assertEquals("127.0.0.1", c.host);
        assertEquals("80", c.port);
        TcpConnectCommand after = parse("tcp-connect", "127.0.0.1", "80", "-x", "dump.txt");
        assertEquals("dump.txt", after.session.hexdump);
    }

    @Test
    void hexdumpWithoutFileKeepsHostAsHost() {
        TcpConnectCommand c = parse("tcp-connect", "-x", "127.0.0.1", "80");
        assertEquals("-", c.session.hexdump);
        assertEquals("127.0.0.1", c.host);
        TcpListenCommand l = parse("tcp-listen", "-x", "127.0.0.1", "9000");
        assertEquals("-", l.session.hexdump);
        assertEquals(List.of("127.0.0.1", "9000"), l.operands);
    }

    @Test
    void aKeepaliveDelayIsNotTakenFromTheArgumentsTheCommandNeeds() {
        TcpConnectCommand c = parse("tcp-connect", "127.0.0.1", "--keepalive", "80");
        assertEquals("80", c.port);
        assertEquals(Duration.ZERO, c.session.keepalive.delay);
        TcpConnectCommand d = parse("tcp-connect", "--keepalive", "30s", "127.0.0.1", "80");
        assertEquals(Duration.ofSeconds(30), d.session.keepalive.delay);
    }

    @Test
    void progressTakesOnlyItsOwnWords() {
        TcpConnectCommand c = parse("tcp-connect", "--progress", "always", "127.0.0.1", "80");
        assertEquals(TcpSessionOptions.ProgressMode.ALWAYS, c.session.progress);
        TcpConnectCommand d = parse("tcp-connect", "--progress", "127.0.0.1", "80");
        assertEquals(TcpSessionOptions.ProgressMode.AUTO, d.session.progress);
        assertEquals("127.0.0.1", d.host);
    }

    @Test
    void aFileWordThatWouldBecomeThePayloadIsAUsageErrorNamingTheOption() {
        Run r = run("udp-send", "127.0.0.1", "9", "-x", "dump", "ping");
        assertEquals(2, r.exit());
        assertTrue(
                r.err()
                        .startsWith("netkit: -x/--hexdump takes FILE only attached (--hexdump=FILE): 'dump' would be "
                                + "sent as MESSAGE"),
                r.err());
        Run b = run("broadcast", "--address", "127.255.255.255", "9", "-x", "dump", "hi");
        assertEquals(2, b.exit());
        assertTrue(b.err().contains("'dump' would be sent as MESSAGE"), b.err());
    }

    @Test
    void hexdumpBeforeTheArgumentsOfAPayloadCommandLeavesThemAlone() {
        UdpSendCommand c = parse("udp-send", "-x", "127.0.0.1", "9", "ping");
        assertEquals("-", c.outputOptions.hexdump);
        assertEquals("127.0.0.1", c.host);
        assertEquals(List.of("ping"), c.message);
    }

    // ---- server modes and the options each uses (issue 13.3, 17.D) ----

    @ParameterizedTest
    @ValueSource(strings = {"--echo", "--broker", "-e=cat", "--sh-exec=cat"})
    void outputFileWithAModeThatWritesNoStdoutIsRefusedAndTheFileKept(String mode, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("keep.txt");
        Files.writeString(file, "precious");
        Run r = run("tcp-listen", mode, "-o", file.toString(), "127.0.0.1", "0");
        assertEquals(2, r.exit(), r.err());
        assertEquals(
                "netkit: -o/--output cannot be combined with "
                        + (mode.startsWith("-e") ? "--exec" : mode.replaceFirst("=.*", "")) + "\n",
                r.err());
        assertEquals("precious", Files.readString(file));
    }

    @Test
    void streamOptionsAModeDoesNotUseAreUsageErrorsNamingTheOptionAndTheMode() {
        assertEquals(
                new Run(2, "netkit: --send-only cannot be combined with --echo\n"),
                run("tcp-listen", "--echo", "--send-only", "127.0.0.1", "0"));
        assertEquals(
                new Run(2, "netkit: --stdin-eof cannot be combined with --broker\n"),
                run("tcp-listen", "--broker", "--stdin-eof", "close", "127.0.0.1", "0"));
        assertEquals(
                new Run(2, "netkit: -q/--quit-after cannot be combined with --exec\n"),
                run("tcp-listen", "-e", "cat", "-q", "1s", "127.0.0.1", "0"));
        assertEquals(
                new Run(2, "netkit: -C/--crlf cannot be combined with --echo\n"),
                run("tcp-listen", "--echo", "-C", "127.0.0.1", "0"));
    }

    @Test
    void everyModeHasItsOptionAndTheRelayUsesEveryStreamOption() {
        for (ServerMode m : ServerMode.values()) {
            assertEquals(m, m.option == null ? ServerMode.RELAY : ServerMode.named(m.option));
        }
        TcpListenCommand relay = parse("tcp-listen", "--send-only", "-C", "-q", "1s", "127.0.0.1", "0");
        assertEquals(ServerMode.RELAY, ServerMode.of(relay.spec.commandLine().getParseResult()));
        ServerMode.RELAY.checkOptions(relay.spec.commandLine().getParseResult()); // no error
    }

    @Test
    void twoModesAreAUsageError() {
        assertEquals(
                new Run(2, "netkit: --chat and --exec cannot be combined (one server mode at most)\n"),
                run("tcp-listen", "--chat", "-e", "cat", "127.0.0.1", "0"));
    }

    @Test
    void stdinEofIsAnEnumReadCaseInsensitively() {
        TcpConnectCommand c = parse("tcp-connect", "--stdin-eof", "KEEP", "127.0.0.1", "80");
        assertEquals(StdinEofPolicy.KEEP, c.session.stdinEof);
        assertEquals(
                new Run(2, "netkit: invalid value for --stdin-eof: 'later' (expected one of shutdown, keep, close)\n"),
                run("tcp-connect", "--stdin-eof", "later", "127.0.0.1", "80"));
    }

    // ---- -4/-6, the same everywhere (issue 13.2) ----

    @ParameterizedTest
    @ValueSource(
            strings = {
                "tcp-connect 127.0.0.1 80",
                "tcp-listen 127.0.0.1 0",
                "udp-send 127.0.0.1 9 x",
                "udp-listen 127.0.0.1 0",
                "multicast-join 224.0.0.1 9",
                "broadcast --address 127.255.255.255 9 x",
                "isip ::1"
            })
    void fourAndSixTogetherAreAUsageErrorInEveryCommand(String line) {
        List<String> args = new ArrayList<>(List.of(line.split(" ")));
        args.addAll(1, List.of("-4", "-6"));
        assertEquals(new Run(2, "netkit: -4 and -6 cannot be combined\n"), run(args.toArray(String[]::new)));
    }

    @Test
    void theRelayDoesNotTouchTheSessionOptionsToHideTheProgressLine() {
        TcpConnectCommand c = parse("tcp-connect", "--progress=always", "127.0.0.1", "80");
        assertEquals(TcpSessionOptions.ProgressMode.ALWAYS, c.session.progress);
        assertNull(c.session.output);
    }
}
