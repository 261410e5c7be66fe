package netkit.cli;

import netkit.Stdio;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The global options of SPEC §1; given on the root, they apply to every command and may follow it. */
public final class GlobalOptions {
    /** When colour is used on stderr. */
    public enum ColorMode {
        AUTO,
        ALWAYS,
        NEVER
    }

    private int verbose;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description =
                    "Print events on stderr (listening, connections, per-datagram sender, summaries). Repeat for more.")
    void verbose(boolean[] flags) {
        verbose += flags.length;
    }

    @Option(
            names = "--json",
            scope = ScopeType.INHERIT,
            description =
                    "Write every diagnostic and record as JSON Lines (one object per line with an \"event\" key). "
                            + "Records go to stdout; relay commands write events to stderr, as stdout carries the payload.")
    boolean json;

    @Option(
            names = "--color",
            scope = ScopeType.INHERIT,
            paramLabel = "WHEN",
            defaultValue = "auto",
            completionCandidates = EnumNames.Color.class,
            description =
                    "Colour on stderr: ${COMPLETION-CANDIDATES}. auto = stderr is a terminal and NO_COLOR is unset or empty; always wins over NO_COLOR. Default: ${DEFAULT-VALUE}.")
    ColorMode color = ColorMode.AUTO;

    @Option(
            names = "--stacktrace",
            scope = ScopeType.INHERIT,
            description = "Print the Java stack trace of an error (for bug reports).")
    boolean stacktrace;

    public int verbosity() {
        return verbose;
    }

    public boolean json() {
        return json;
    }

    public boolean stacktrace() {
        return stacktrace;
    }

    public boolean color(Stdio stdio) {
        return switch (color) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> stdio.stderrIsTerminal() && noColorUnset(stdio);
        };
    }

    /** no-color.org: NO_COLOR disables colour when it is present and not empty, whatever its value. */
    private static boolean noColorUnset(Stdio stdio) {
        String v = stdio.env().get("NO_COLOR");
        return v == null || v.isEmpty();
    }
}
