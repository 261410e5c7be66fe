package netkit.cli;

import java.time.Duration;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.tcp.Durations;
import netkit.engine.tcp.Family;
import netkit.engine.tcp.Outcome;
import picocli.CommandLine.TypeConversionException;

/** What tcp-connect and tcp-listen share in turning arguments and outcomes into results. */
final class TcpCommands {
    private TcpCommands() {}

    /** The PORT operand, validated here (not by picocli) because with -z it may be a list. */
    static int port(String text, int min) {
        try {
            return Converters.parsePort(text, min);
        } catch (TypeConversionException e) {
            throw NetkitException.usage("invalid value for PORT: " + e.getMessage());
        }
    }

    static Family family(boolean v4, boolean v6) {
        if (v4 && v6) {
            throw NetkitException.usage("-4 and -6 cannot be combined");
        }
        return v4 ? Family.IPV4 : v6 ? Family.IPV6 : Family.ANY;
    }

    /** The exit code of a finished session: 0, or the error that ended it (idle timeout: exit 4). */
    static ExitCode exitCode(Outcome outcome, Duration idleTimeout) {
        return switch (outcome.kind()) {
            case CLOSED -> ExitCode.OK;
            case IDLE_TIMEOUT -> throw NetkitException.timeout("idle timeout: nothing sent or received for "
                    + Durations.text(idleTimeout));
            case ERROR -> throw NetkitException.from(outcome.error(), "");
        };
    }
}
