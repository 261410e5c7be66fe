package netkit.repl;

import netkit.ExitCode;
import netkit.NetkitException;
import netkit.Stdio;

/**
 * The entry point commands use for the session REPL. Referring to this class does not load JLine;
 * only {@link #run} does, and only when the session is interactive.
 */
public final class Interactive {
    private Interactive() {}

    /** Set while the {@code netkit>} shell runs, so a bare option line inside it does not open another. */
    static volatile boolean shellRunning;

    /** Whether the {@code netkit>} shell is running in this process. */
    public static boolean insideShell() {
        return shellRunning;
    }

    /**
     * Whether a session runs the REPL: {@code --interactive}/{@code --no-interactive} when given
     * ({@code flag} non-null), otherwise when stdin and stdout are both terminals.
     */
    public static boolean wanted(Boolean flag, Stdio stdio) {
        return flag != null ? flag : stdio.stdinIsTerminal() && stdio.stdoutIsTerminal();
    }

    /** The error that ends a session the user interrupted with Ctrl-C: exit 130. */
    public static NetkitException interrupted() {
        return new NetkitException(ExitCode.INTERRUPTED, "EINTR", "interrupted", null);
    }

    /**
     * Runs the REPL over the terminal (the shell's when inside {@code netkit>}) until {@code /quit},
     * Ctrl-C or the end of the session; the session is closed on return.
     */
    public static SessionRepl.End run(ReplSession session, ReplOptions options) {
        try (Terminals.Lease lease = Terminals.acquire()) {
            return new SessionRepl(lease.terminal(), session, options, lease.history()).run();
        }
    }
}
