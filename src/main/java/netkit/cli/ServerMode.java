package netkit.cli;

import java.util.Set;
import netkit.NetkitException;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * tcp-listen's server modes, and the one table of which byte-stream options each of them uses. A mode
 * is one constant here plus its option in {@link TcpListenCommand.Modes} (an exclusive group, so two
 * modes at once are a usage error) and its handler in {@link TcpListenCommand}.
 */
enum ServerMode {
    /** The default: clients' bytes to stdout, stdin to the clients. Every stream option applies. */
    RELAY(null, null),
    ECHO("--echo", Set.of("--idle-timeout", "--hexdump", "--progress")),
    BROKER("--broker", Set.of("--idle-timeout", "--recv-only", "--crlf", "--hexdump", "--progress")),
    /** The room speaks lines with each client itself; --recv-only leaves the console out. */
    CHAT("--chat", Set.of("--recv-only", "--interactive")),
    EXEC("--exec", Set.of("--idle-timeout", "--hexdump", "--progress")),
    SH_EXEC("--sh-exec", Set.of("--idle-timeout", "--hexdump", "--progress")),
    /** Each client's bytes to its own upstream and back: stdin, stdout and the relay's end rules play no part. */
    FORWARD("--forward", Set.of("--idle-timeout", "--hexdump", "--progress")),
    /** A forward proxy: it reads neither stdin nor writes stdout; -i bounds an idle tunnel. */
    PROXY("--proxy", Set.of("--idle-timeout"));

    /**
     * The options of the byte relay (by longest name), which a mode must list to accept: given with a mode
     * that does not use it, one would silently do nothing (or, as -o, empty a file it never writes).
     * Every other option (listening, limits, access, socket tuning) applies to every mode.
     */
    static final Set<String> STREAM_OPTIONS = Set.of(
            "--idle-timeout",
            "--stdin-eof",
            "--quit-after",
            "--allow-half-open",
            "--send-only",
            "--recv-only",
            "--crlf",
            "--output",
            "--append",
            "--hexdump",
            "--progress",
            "--interactive");

    /** The option that selects the mode; null for the default. */
    final String option;
    /** The stream options the mode uses; null: all of them. */
    private final Set<String> uses;

    ServerMode(String option, Set<String> uses) {
        this.option = option;
        this.uses = uses;
    }

    /** Whether the mode serves any number of clients without -k. */
    boolean servesMany() {
        return this == ECHO || this == BROKER || this == CHAT || this == FORWARD || this == PROXY;
    }

    /** Whether the mode reads stdin as its console (and so may run the session REPL). */
    boolean hasConsole() {
        return this == RELAY || this == CHAT;
    }

    /** The mode an option name selects ({@code -e} and {@code --exec} alike), or null. */
    static ServerMode named(String name) {
        for (ServerMode m : values()) {
            if (m.option != null && (m.option.equals(name) || m == EXEC && name.equals("-e"))) {
                return m;
            }
        }
        return null;
    }

    /** The mode the command line selects (the group makes it one at most). */
    static ServerMode of(ParseResult parsed) {
        for (ServerMode m : values()) {
            if (m.option != null && parsed.hasMatchedOption(m.option)) {
                return m;
            }
        }
        return RELAY;
    }

    /**
     * Usage error for the first stream option given that this mode does not use. {@code --no-…} forms are
     * let through: turning a thing off asks for nothing.
     */
    void checkOptions(ParseResult parsed) {
        for (OptionSpec given : parsed.matchedOptions()) {
            String name = given.longestName();
            if (uses == null
                    || !STREAM_OPTIONS.contains(name)
                    || uses.contains(name)
                    || given.negatable() && Boolean.FALSE.equals(given.getValue())) {
                continue;
            }
            throw NetkitException.usage(String.join("/", given.names()) + " cannot be combined with " + option);
        }
    }
}
