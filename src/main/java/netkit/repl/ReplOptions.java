package netkit.repl;

/**
 * How a session REPL starts: {@code crlf} sends {@code \r\n} line ends ({@code -C}, {@code /crlf}),
 * {@code color} allows ANSI colour (from {@code --color} and {@code NO_COLOR}), {@code hex} shows
 * traffic as a hex dump ({@code /hex}), {@code commands} makes lines starting with {@code /} REPL
 * commands (off for a console whose protocol has its own, such as the chat room's).
 */
public record ReplOptions(boolean crlf, boolean color, boolean hex, boolean commands) {
    public ReplOptions(boolean crlf, boolean color, boolean hex) {
        this(crlf, color, hex, true);
    }

    /** Every typed line is sent as it is; Ctrl-D and Ctrl-C keep their meaning. */
    public ReplOptions withoutCommands() {
        return new ReplOptions(crlf, color, hex, false);
    }
}
