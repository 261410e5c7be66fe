package netkit.cli;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.net.IpKind;
import netkit.net.IpLiteral;
import netkit.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit isip}: Node's {@code net.isIP} for arguments or stdin lines. */
@Command(
        name = "isip",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Print 4, 6 or 0 for each ADDRESS, one per line in order: exactly Node's net.isIP.",
            "",
            "Strict dotted quads (no leading zeros, no shorthand such as 127.1), IPv6 with an optional %zone, "
                    + "no brackets, no prefix length, no surrounding spaces. Without ADDRESS, reads one input "
                    + "per line from stdin (a trailing CR of CRLF line ends is not part of the input). "
                    + "Never resolves a name or touches the network.",
            "",
            "Exit 0 when every input is valid, 1 otherwise, 2 when there was no input."
        })
public final class IsipCommand extends BaseCommand {
    @Option(names = "-4", description = "Only IPv4 counts as valid (prints 4 or 0).")
    boolean only4;

    @Option(names = "-6", description = "Only IPv6 counts as valid (prints 6 or 0).")
    boolean only6;

    @Parameters(paramLabel = "ADDRESS", arity = "0..*",
            description = "Inputs to check. Without any, one input per line is read from stdin.")
    List<String> addresses;

    @Override
    protected ExitCode run() throws IOException {
        if (only4 && only6) {
            throw NetkitException.usage("-4 and -6 cannot be combined");
        }
        boolean verbose = global().verbosity() > 0;
        boolean json = global().json();
        OutputStream out = new BufferedOutputStream(stdio().out(), 1 << 16);
        StringBuilder line = new StringBuilder(64);
        long count = 0;
        boolean allValid = true;
        if (addresses != null && !addresses.isEmpty()) {
            for (String a : addresses) {
                allValid &= check(a, verbose, json, line, out);
                count++;
            }
        } else {
            BufferedReader in = new BufferedReader(new InputStreamReader(stdio().in(), StandardCharsets.UTF_8), 1 << 16);
            String a;
            while ((a = in.readLine()) != null) {
                allValid &= check(a, verbose, json, line, out);
                count++;
            }
        }
        out.flush();
        if (count == 0) {
            throw NetkitException.usage("no input: give ADDRESS arguments or lines on stdin");
        }
        return allValid ? ExitCode.OK : ExitCode.FAILURE;
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
