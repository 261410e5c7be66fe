package netkit.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.net.Family;
import netkit.net.IpKind;
import netkit.net.IpLiteral;
import netkit.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code netkit isip}: Node's {@code net.isIP} for arguments or stdin lines. */
@Command(
        name = "isip",
        header = "Tell which inputs are IP addresses: 4, 6 or 0 for each",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # 4, 6, 0; exit 1 as 127.1 is not valid",
            "  netkit isip 1.2.3.4 ::1 127.1",
            "  # one answer per line; only IPv4 counts",
            "  cut -d' ' -f1 access.log | netkit isip -4",
            "  # 6 and the kind of address (link-local)",
            "  netkit isip -v fe80::1%%eth0"
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print 4, 6 or 0 for each ADDRESS, one per line in order: the same answers as net.isIP of Node.js.",
            "",
            "Strict dotted quads (no leading zeros, no shorthand such as 127.1), IPv6 with an optional %%zone, "
                    + "no brackets, no prefix length, no surrounding spaces. Without ADDRESS, reads one input "
                    + "per line from stdin (lines end at LF; a CR before the LF is not part of the input). "
                    + "Never resolves a name or touches the network. With -4 (-6) only IPv4 (IPv6) counts as valid: "
                    + "it prints 4 (6) or 0.",
            "",
            "Exit 0 when every input is valid, 1 otherwise, 2 when there was no input."
        })
public final class IsipCommand extends BaseCommand {
    @Mixin
    FamilyOptions family = new FamilyOptions();

    private boolean only4;
    private boolean only6;

    @Parameters(
            paramLabel = "ADDRESS",
            arity = "0..*",
            description = "Inputs to check. Without any, one input per line is read from stdin.")
    List<String> addresses;

    @Override
    protected ExitCode run() throws IOException {
        Family only = family.family();
        only4 = only == Family.IPV4;
        only6 = only == Family.IPV6;
        boolean verbose = global().verbosity() > 0;
        boolean json = global().json();
        OutputStream out =
                new BufferedOutputStream(netkit.output.OutputStreams.failingAsOutput(stdio().out(), "stdout"), 1 << 16);
        StringBuilder line = new StringBuilder(64);
        long count = 0;
        boolean allValid = true;
        if (addresses != null && !addresses.isEmpty()) {
            for (String a : addresses) {
                allValid &= check(a, verbose, json, line, out);
                count++;
            }
        } else {
            // Bulk mode: lines split on LF only (a CR before it is dropped), scanned as bytes. Every valid
            // literal is ASCII, so a line with any other byte is 0 without decoding it, unless -v/--json
            // need its text.
            InputStream in = stdio().in();
            byte[] buf = new byte[1 << 16];
            AsciiLine view = new AsciiLine(buf);
            int start = 0;
            int end = 0;
            while (true) {
                int nl = -1;
                for (int i = start; i < end; i++) {
                    if (buf[i] == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0) {
                    // no complete line buffered: compact, grow when one line fills the buffer, read more
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == buf.length) {
                        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                        view = new AsciiLine(buf);
                    }
                    int r = in.read(buf, end, buf.length - end);
                    if (r < 0) {
                        if (end > start) {
                            allValid &= checkLine(view, buf, start, end, verbose, json, line, out);
                            count++;
                        }
                        break;
                    }
                    end += r;
                    continue;
                }
                int lineEnd = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
                allValid &= checkLine(view, buf, start, lineEnd, verbose, json, line, out);
                count++;
                start = nl + 1;
            }
        }
        out.flush();
        if (count == 0) {
            throw NetkitException.usage("no input: give ADDRESS arguments or lines on stdin");
        }
        return allValid ? ExitCode.OK : ExitCode.FAILURE;
    }

    private boolean checkLine(
            AsciiLine view,
            byte[] buf,
            int from,
            int to,
            boolean verbose,
            boolean json,
            StringBuilder line,
            OutputStream out)
            throws IOException {
        boolean ascii = true;
        for (int i = from; i < to && ascii; i++) {
            ascii = buf[i] >= 0;
        }
        if (verbose || json) {
            return check(new String(buf, from, to - from, StandardCharsets.UTF_8), verbose, json, line, out);
        }
        int family = ascii ? IpLiteral.family(view.set(from, to)) : 0;
        if ((only4 && family != 4) || (only6 && family != 6)) {
            family = 0;
        }
        out.write('0' + family);
        out.write('\n');
        return family != 0;
    }

    /** A reusable view of one ASCII line of the input buffer, so the bulk path allocates nothing per line. */
    private static final class AsciiLine implements CharSequence {
        private final byte[] buf;
        private int from;
        private int to;

        AsciiLine(byte[] buf) {
            this.buf = buf;
        }

        AsciiLine set(int from, int to) {
            this.from = from;
            this.to = to;
            return this;
        }

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return (char) buf[from + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new AsciiLine(buf).set(from + start, from + end);
        }

        @Override
        public String toString() {
            return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }

    private boolean check(String input, boolean verbose, boolean json, StringBuilder line, OutputStream out)
            throws IOException {
        int family = IpLiteral.family(input);
        if ((only4 && family != 4) || (only6 && family != 6)) {
            family = 0;
        }
        line.setLength(0);
        if (json) {
            Json.event("isip")
                    .put("input", input)
                    .put("family", family)
                    .put("kind", family == 0 ? null : IpKind.of(input))
                    .appendTo(line);
        } else {
            line.append((char) ('0' + family));
            if (verbose) {
                line.append('\t').append(family == 0 ? "invalid" : IpKind.of(input));
            }
        }
        line.append('\n');
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
                return family != 0;
            }
        }
        for (int i = 0; i < line.length(); i++) {
            out.write(line.charAt(i));
        }
        return family != 0;
    }
}
