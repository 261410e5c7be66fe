package netkit.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import netkit.Stdio;
import netkit.net.IsipCorpus;
import org.junit.jupiter.api.Test;

class IsipCommandTest {
    record Run(int exit, String out, String err) {}

    static Run isip(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(new ByteArrayInputStream(stdin.getBytes(UTF_8)), out, new PrintStream(err, true, UTF_8));
        String[] full = new String[args.length + 1];
        full[0] = "isip";
        System.arraycopy(args, 0, full, 1, args.length);
        int exit = Netkit.commandLine(stdio).execute(full);
        return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    @Test
    void printsOneAnswerPerArgumentInOrderAndExits1WhenAnyIsInvalid() {
        assertEquals(new Run(1, "4\n6\n0\n", ""), isip("", "1.2.3.4", "::1", "127.1"));
    }

    @Test
    void exits0WhenEveryInputIsValid() {
        assertEquals(new Run(0, "4\n6\n", ""), isip("", "10.0.0.1", "fe80::1%eth0"));
    }

    @Test
    void noInputIsAUsageError() {
        Run r = isip("");
        assertEquals(2, r.exit());
        assertEquals("", r.out());
        assertEquals("netkit: no input: give ADDRESS arguments or lines on stdin\n", r.err());
    }

    @Test
    void badOptionIsExit2WithExactlyOneLine() {
        Run r = isip("", "--bogus", "1.2.3.4");
        assertEquals(new Run(2, "", "netkit: unknown option: '--bogus'\n"), r);
        assertEquals(new Run(2, "", "netkit: -4 and -6 cannot be combined\n"), isip("", "-4", "-6", "::1"));
    }

    @Test
    void familyFiltersCountOnlyThatFamily() {
        assertEquals(new Run(1, "4\n0\n", ""), isip("", "-4", "1.2.3.4", "::1"));
        assertEquals(new Run(1, "0\n6\n", ""), isip("", "-6", "1.2.3.4", "::1"));
    }

    @Test
    void verboseAddsTheKindColumn() {
        assertEquals(
                new Run(1, "4\tloopback\n6\tlink-local\n0\tinvalid\n", ""),
                isip("", "-v", "127.0.0.1", "fe80::1%eth0", "01.2.3.4"));
    }

    @Test
    void jsonPrintsOneRecordPerInputWithEscapedInput() {
        Run r = isip("", "--json", "::ffff:1.2.3.4", "a\"b");
        assertEquals(1, r.exit());
        assertEquals(
                "{\"event\":\"isip\",\"input\":\"::ffff:1.2.3.4\",\"family\":6,\"kind\":\"ipv4-mapped\"}\n"
                        + "{\"event\":\"isip\",\"input\":\"a\\\"b\",\"family\":0,\"kind\":null}\n",
                r.out());
    }

    @Test
    void stdinBulkModeGivesNodesAnswerForEveryCorpusLine() {
        // Inputs containing line breaks cannot be lines; everything else goes through stdin as-is.
        List<IsipCorpus> lines = IsipCorpus.load().stream()
                .filter(c -> c.input().indexOf('\n') < 0 && c.input().indexOf('\r') < 0)
                .toList();
        StringBuilder in = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (IsipCorpus c : lines) {
            in.append(c.input()).append('\n');
            expected.append(c.family()).append('\n');
        }
        Run r = isip(in.toString());
        assertEquals(expected.toString(), r.out());
        assertEquals(1, r.exit());
        assertTrue(lines.size() > 500);
    }

    @Test
    void stdinAcceptsCrlfAndAMissingFinalNewline() {
        assertEquals(new Run(0, "4\n6\n4\n", ""), isip("1.2.3.4\r\n::1\r\n127.0.0.1"));
    }

    @Test
    void anEmptyLineIsAnInvalidInputNotTheEnd() {
        assertEquals(new Run(1, "4\n0\n6\n", ""), isip("1.2.3.4\n\n::1\n"));
    }

    @Test
    void nonAsciiInputsAreWrittenAsUtf8() {
        Run r = isip("", "--json", "\u0661.2.3.4");
        assertEquals("{\"event\":\"isip\",\"input\":\"\u0661.2.3.4\",\"family\":0,\"kind\":null}\n", r.out());
    }

    @Test
    void onlyLfEndsALineSoABareCrIsPartOfTheInput() {
        assertEquals(new Run(1, "0\n4\n", ""), isip("1.2.3.4\r::1\n10.0.0.1\n"));
    }

    @Test
    void linesLongerThanTheReadBufferAreOneInput() {
        String huge = "1".repeat(200_000);
        assertEquals(new Run(1, "4\n0\n6\n", ""), isip("1.2.3.4\n" + huge + "\n::1\n"));
    }

    @Test
    void invalidUtf8IsAnInvalidInputInEveryMode() {
        byte[] bad = {(byte) 0xff, '1', '\n', ':', ':', '1', '\n'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(new ByteArrayInputStream(bad), out, new PrintStream(err, true, UTF_8));
        assertEquals(1, Netkit.commandLine(stdio).execute("isip"));
        assertEquals("0\n6\n", out.toString(UTF_8));
        out.reset();
        assertEquals(
                1,
                Netkit.commandLine(Stdio.of(new ByteArrayInputStream(bad), out, new PrintStream(err, true, UTF_8)))
                        .execute("isip", "--json"));
        assertEquals(
                "{\"event\":\"isip\",\"input\":\"\ufffd1\",\"family\":0,\"kind\":null}\n"
                        + "{\"event\":\"isip\",\"input\":\"::1\",\"family\":6,\"kind\":\"loopback\"}\n",
                out.toString(UTF_8));
    }
}
