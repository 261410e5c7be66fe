package netkit.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.Stdio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command frame every subcommand inherits: one-line errors that name the option and quote the value,
 * the exit-code table reached from real failures, JSON errors, stack traces only on request, colour rules.
 */
class CommandFrameTest {
    /** A test-only subcommand using the shared converters, and failing for real on request. */
    @Command(name = "probe", description = "Test-only command.")
    static final class Probe extends BaseCommand {
        enum Mode {
            fast,
            slow
        }

        @Option(
                names = {"-w", "--connect-timeout"},
                converter = Converters.DurationConverter.class)
        Duration timeout;

        @Option(names = "--count", converter = Converters.PositiveIntConverter.class)
        Integer count;

        @Option(names = "--number")
        int number;

        @Option(names = "--mode")
        Mode mode;

        @Option(names = "--fail")
        String fail;

        @Parameters(paramLabel = "PORT", arity = "0..1", converter = Converters.PortConverter.class)
        Integer port;

        @Override
        protected ExitCode run() throws Exception {
            InetAddress lo = InetAddress.getLoopbackAddress();
            switch (fail == null ? "" : fail) {
                case "refused" -> {
                    int closed;
                    try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                        closed = s.getLocalPort();
                    }
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(lo, closed), 2000);
                    } catch (IOException e) {
                        throw NetkitException.from(e, "connect to 127.0.0.1:" + closed);
                    }
                }
                case "timeout" -> {
                    try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                        s.setSoTimeout(20);
                        s.accept();
                    }
                }
                case "bind" -> {
                    try (ServerSocket a = new ServerSocket(0, 1, lo);
                            ServerSocket b = new ServerSocket()) {
                        b.bind(new InetSocketAddress(lo, a.getLocalPort()));
                    }
                }
                case "unresolved" -> throw new UnknownHostException("no-such-host.invalid");
                case "interrupted" -> throw new InterruptedException();
                case "combination" -> throw NetkitException.usage("--fail and --mode cannot be combined");
                case "bug" -> throw new IllegalStateException("unexpected");
                default ->
                    output().record(
                                    "ok " + port,
                                    netkit.output.Json.event("probe").put("port", port));
            }
            return ExitCode.OK;
        }
    }

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n", -1)).subList(0, err.split("\n", -1).length - 1);
        }
    }

    static Run run(Stdio base, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = new Stdio(
                base.in(),
                out,
                new PrintStream(err, true, UTF_8),
                base.stdinIsTerminal(),
                base.stdoutIsTerminal(),
                base.stderrIsTerminal(),
                base.env());
        CommandLine cl = Netkit.commandLine(stdio);
        cl.addSubcommand(new CommandLine(new Probe()));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    static Run run(String... args) {
        return run(Stdio.of(new ByteArrayInputStream(new byte[0]), null, null), args);
    }

    private static void assertUsage(Run r, String line) {
        assertEquals(2, r.exit(), r.err());
        assertEquals(List.of(line), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void badDurationNamesTheOptionAndQuotesTheValue() {
        assertUsage(
                run("probe", "-w", "5x"),
                "netkit: invalid value for --connect-timeout: '5x' (expected a duration such as 250ms, 2s, 1.5s, 3m, 1h)");
    }

    @Test
    void badPortNamesTheParameterAndQuotesTheValue() {
        assertUsage(run("probe", "70000"), "netkit: invalid value for PORT: '70000' (expected 1-65535)");
    }

    @Test
    void picocliBuiltInConversionsGetTheSameShape() {
        assertUsage(run("probe", "--number", "abc"), "netkit: invalid value for --number: 'abc' (expected an int)");
        assertUsage(
                run("probe", "--mode", "turbo"),
                "netkit: invalid value for --mode: 'turbo' (expected one of fast, slow)");
        assertUsage(
                run("--color", "purple", "probe"),
                "netkit: invalid value for --color: 'purple' (expected one of auto, always, never)");
        assertUsage(
                run("probe", "--count", "0"),
                "netkit: invalid value for --count: '0' (expected a whole number from 1)");
    }

    @Test
    void unknownOptionAndUnknownCommandAreOneLine() {
        assertUsage(run("probe", "--bogus"), "netkit: unknown option: '--bogus'");
        assertUsage(run("nonsense"), "netkit: unknown command: 'nonsense' (see netkit --help)");
        assertUsage(
                run("probe", "--connect-timeout"),
                "netkit: missing required parameter for option '--connect-timeout' (<timeout>)");
    }

    @Test
    void badCombinationThrownByACommandIsAUsageError() {
        assertUsage(run("probe", "--fail", "combination"), "netkit: --fail and --mode cannot be combined");
    }

    @Test
    void noCommandWithoutTerminalPrintsUsageOnStderrAndExits2() {
        Run r = run();
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Usage: netkit"), r.err());
    }

    @Test
    void helpListsTheCommandsOnStdout() {
        Run r = run("--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Commands:") && r.out().contains("  isip "), r.out());
        assertTrue(r.out().contains("Exit codes:"), r.out());
    }

    @Test
    void exitCodeTableIsNotWrappedInAnyCommandsHelp() {
        for (String command : List.of("udp-listen", "multicast-join", "isip")) {
            String out = run(command, "--help").out();
            String table = out.substring(out.indexOf("Exit codes:") + "Exit codes:".length())
                    .strip();
            for (String line : table.split("\\R")) {
                assertTrue(line.matches("(\\d+ +|  +)\\S.*"), command + ": a wrapped row '" + line + "' in\n" + table);
            }
        }
    }

    @Test
    @Timeout(20)
    void everyFailureReachesItsExitCodeWithOneLine() {
        Map<String, Integer> expected =
                Map.of("refused", 3, "timeout", 4, "unresolved", 5, "bind", 6, "interrupted", 130, "bug", 1);
        expected.forEach((kind, code) -> {
            Run r = run("probe", "--fail", kind);
            assertEquals(code, r.exit(), kind + ": " + r.err());
            assertEquals(1, r.errLines().size(), kind + ": " + r.err());
            assertTrue(r.errLines().get(0).startsWith("netkit: "), r.err());
            assertFalse(r.err().contains("\tat "), "stack trace without --stacktrace: " + r.err());
        });
        assertTrue(run("probe", "--fail", "refused")
                .err()
                .matches("netkit: connect to 127\\.0\\.0\\.1:\\d+: connection refused\n"));
        assertEquals(
                "netkit: cannot resolve host 'no-such-host.invalid'\n",
                run("probe", "--fail", "unresolved").err());
    }

    @Test
    @Timeout(20)
    void stacktraceOptionAddsTheTrace() {
        Run r = run("probe", "--stacktrace", "--fail", "bind");
        assertEquals(6, r.exit());
        assertTrue(
                r.err().startsWith("netkit: address already in use\n")
                        || r.err().startsWith("netkit: "),
                r.err());
        assertTrue(r.err().contains("java.net.BindException") && r.err().contains("\tat "), r.err());
    }

    @Test
    @Timeout(20)
    void jsonErrorsCarryCodeMessageAndExit() {
        Run r = run("--json", "probe", "--fail", "refused");
        assertEquals(3, r.exit());
        assertTrue(
                r.err()
                        .matches(
                                "\\{\"event\":\"error\",\"code\":\"ECONNREFUSED\",\"message\":\"connect to 127\\.0\\.0\\.1:\\d+: "
                                        + "connection refused\",\"exit\":3}\n"),
                r.err());
        Run usage = run("probe", "--json", "--bogus");
        assertEquals(2, usage.exit());
        assertEquals(
                "{\"event\":\"error\",\"code\":\"EINVAL\",\"message\":\"unknown option: '--bogus'\",\"exit\":2}\n",
                usage.err());
    }

    @Test
    void globalOptionsAreAcceptedAfterTheCommandToo() {
        Run r = run("probe", "--json", "80");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"event\":\"probe\",\"port\":80}\n", r.out());
    }

    private static Stdio terminalStderr(Map<String, String> env) {
        return Stdio.of(new ByteArrayInputStream(new byte[0]), null, null)
                .withTerminals(false, false, true)
                .withEnv(env);
    }

    @Test
    void colourOnlyOnATerminalAndNeverWithNoColor() {
        String esc = "\u001b[";
        assertFalse(run("probe", "--bogus").err().contains(esc), "not a terminal: no colour");
        assertTrue(run(terminalStderr(Map.of()), "probe", "--bogus").err().contains(esc), "terminal: colour");
        assertFalse(
                run(terminalStderr(Map.of("NO_COLOR", "1")), "probe", "--bogus")
                        .err()
                        .contains(esc),
                "NO_COLOR=1");
        assertTrue(
                run(terminalStderr(Map.of("NO_COLOR", "")), "probe", "--bogus")
                        .err()
                        .contains(esc),
                "empty NO_COLOR is unset");
        assertFalse(
                run(terminalStderr(Map.of()), "--color=never", "probe", "--bogus")
                        .err()
                        .contains(esc),
                "--color=never");
        assertTrue(run("--color=always", "probe", "--bogus").err().contains(esc), "--color=always on a pipe");
        assertTrue(
                run(terminalStderr(Map.of("NO_COLOR", "1")), "--color=always", "probe", "--bogus")
                        .err()
                        .contains(esc),
                "an explicit --color=always wins over NO_COLOR");
    }

    @Test
    void colourNeverReachesStdout() {
        Run r = run(
                Stdio.of(new ByteArrayInputStream(new byte[0]), null, null).withTerminals(true, true, true),
                "--color=always",
                "probe",
                "80");
        assertEquals("ok 80\n", r.out());
    }
}
