package netkit.cli;

import java.time.Duration;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.tcp.DataSink;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.TrafficTap;
import netkit.output.Durations;
import netkit.output.Output;
import netkit.repl.ReplOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** What tcp-connect and tcp-listen share in turning arguments and outcomes into results. */
final class TcpCommands {
    private TcpCommands() {}

    /** The exit code of a finished session: 0, or the error that ended it (idle timeout: exit 4). */
    static ExitCode exitCode(Outcome outcome, Duration idleTimeout) {
        return switch (outcome.kind()) {
            case CLOSED -> ExitCode.OK;
            case IDLE_TIMEOUT ->
                throw NetkitException.timeout(
                        "idle timeout: nothing sent or received for " + Durations.text(idleTimeout));
            case ERROR -> throw NetkitException.from(outcome.error(), "");
        };
    }

    // The session REPL's view of the options. Kept out of TcpSessionOptions: picocli reflects over
    // the mixin, and these signatures would load REPL classes for every run of the command.

    /** How the session REPL starts: -C, colour, and -x without FILE shown in the REPL (/hex). */
    static ReplOptions replOptions(TcpSessionOptions o, Output out) {
        return new ReplOptions(o.crlf, out.color(), "-".equals(o.hexdump));
    }

    /** The hex-dump tap in the REPL: a -x FILE still gets it; -x to stderr is the REPL's /hex instead. */
    static TrafficTap replTap(TcpSessionOptions o, RelayIo io) {
        return "-".equals(o.hexdump) ? TrafficTap.NONE : io.tap();
    }

    /** In the REPL received bytes are shown; with -o FILE they also go to the file. */
    static DataSink replCopy(TcpSessionOptions o, RelayIo io) {
        return o.output != null ? io.sink() : null;
    }

    /** TLS options given without {@code --tls} would silently do nothing: a usage error names the first. */
    static void requireTls(boolean tls, CommandSpec spec, List<String> names) {
        requireTls(tls, spec, names, "--tls");
    }

    /** As {@link #requireTls(boolean, CommandSpec, List)} for options that need the switch {@code option}. */
    static void requireTls(boolean tls, CommandSpec spec, List<String> names, String option) {
        if (tls || spec == null) {
            return;
        }
        for (OptionSpec given : spec.commandLine().getParseResult().matchedOptions()) {
            if (names.contains(given.longestName())) {
                throw NetkitException.usage(given.longestName() + " needs " + option);
            }
        }
    }
}
