package netkit;

/**
 * The exit-code table of SPEC §1: the same in every command. This enum is its one home: the
 * {@code --help} footer, the man pages' EXIT STATUS and the README's table are generated from it.
 */
public enum ExitCode {
    OK(
            0,
            "success (isip: every input valid; scans: at least one port open)",
            "Success (isip: every input valid; port checks: at least one port open)."),
    FAILURE(
            1,
            "other network or I/O failure (also an output that fails: a full disk, an I/O error); isip: some "
                    + "input invalid; scan: no port open",
            "Other network or I/O failure (reset by peer, unreachable, an output that fails, ...); isip: some input "
                    + "invalid; port checks: no port open. A consumer that closes our stdout (| head) is not a "
                    + "failure: the command ends quietly with 0."),
    USAGE(
            2,
            "usage error (unknown option, bad value, bad combination)",
            "Usage error: unknown option, bad value, bad combination. The message names the option and quotes the "
                    + "value."),
    REFUSED(
            3,
            "connection refused",
            "Connection refused (TCP RST on connect, or ICMP port unreachable on a connected UDP socket)."),
    TIMEOUT(
            4,
            "timeout (connect, idle, accept or reply wait)",
            "Timeout: a connect, idle, accept or reply wait expired."),
    UNRESOLVED(5, "host name could not be resolved", "A host name could not be resolved."),
    BIND(
            6,
            "cannot bind or join (in use, permission denied, not available, no such interface; also an IPv6 zone "
                    + "that names no interface)",
            "Cannot bind or join: address in use, permission denied, address not available, no such interface."),
    TLS(
            7,
            "TLS failure (handshake, certificate not trusted, name or pin mismatch)",
            "TLS failure: handshake failed, certificate not trusted, name or pin mismatch, client certificate "
                    + "missing."),
    PROXY(
            8,
            "proxy failure (refused the request or the credentials, unexpected protocol)",
            "Proxy failure: the proxy refused the request or the credentials, or spoke a protocol we did not "
                    + "expect."),
    INTERRUPTED(130, "interrupted (Ctrl-C)", "Interrupted (Ctrl-C, SIGINT).");

    public final int code;
    /** One short line: the {@code --help} footer and the README table. */
    public final String summary;
    /** A sentence or two: the man pages. */
    public final String description;

    ExitCode(int code, String summary, String description) {
        this.code = code;
        this.summary = summary;
        this.description = description;
    }

    /** The {@code --help} footer lines: {@code "  3   connection refused"}, wrapped to fit {@code width}. */
    public static String[] helpFooter(int width) {
        java.util.List<String> lines = new java.util.ArrayList<>();
        for (ExitCode c : values()) {
            String head = String.format(java.util.Locale.ROOT, "  %-4d", c.code);
            StringBuilder line = new StringBuilder(head);
            for (String word : c.summary.split(" ")) {
                if (line.length() + 1 + word.length() > width && line.length() > head.length()) {
                    lines.add(line.toString());
                    line = new StringBuilder(" ".repeat(head.length()));
                } else if (line.length() > head.length()) {
                    line.append(' ');
                }
                line.append(word);
            }
            lines.add(line.toString());
        }
        return lines.toArray(String[]::new);
    }

    /** The README's table (Markdown), header included. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| code | meaning |\n| --- | --- |\n");
        for (ExitCode c : values()) {
            sb.append("| ")
                    .append(c.code)
                    .append(" | ")
                    .append(c.summary.replace("|", "\\|"))
                    .append(" |\n");
        }
        return sb.toString();
    }
}
