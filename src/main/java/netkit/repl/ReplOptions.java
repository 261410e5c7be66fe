package netkit.repl;

/**
 * How a session REPL starts: {@code crlf} sends {@code \r\n} line ends ({@code -C}, {@code /crlf}),
 * {@code color} allows ANSI colour (from {@code --color} and {@code NO_COLOR}), {@code hex} shows
 * traffic as a hex dump ({@code /hex}).
 */
public record ReplOptions(boolean crlf, boolean color, boolean hex) {
    public static ReplOptions defaults() {
        return new ReplOptions(false, false, false);
    }
}
