package netkit.cli;

import netkit.Stdio;
import netkit.repl.Interactive;
import picocli.CommandLine.Option;

/** {@code --[no-]interactive} of the datagram commands that can run the session REPL (SPEC §9). */
public final class InteractiveOption {
    @Option(
            names = "--interactive",
            negatable = true,
            description = "Force (or with --no-interactive disable) the interactive session: a line editor whose "
                    + "lines are sent as datagrams, received datagrams shown above it with their sender "
                    + "(/help, /stats, /pause, /send FILE, …; see the README). Default: on when stdin and stdout "
                    + "are terminals. In it, -o, -x and --json do not apply; /hex shows a hex dump.")
    Boolean interactive;

    boolean wanted(Stdio stdio) {
        return Interactive.wanted(interactive, stdio);
    }
}
