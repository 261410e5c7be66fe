package netkit.output;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import netkit.NetkitException;

/**
 * Where every diagnostic and record goes, as text or as JSON Lines: the one place that knows the
 * output format. Diagnostics go to stderr prefixed {@code netkit: }; records (isip results, scan
 * results, datagram records) go to the record stream, which is stdout.
 *
 * <p>Verbosity: events carry a level (1 = {@code -v}, 2 = {@code -vv}); text events print when the
 * verbosity reaches their level. In JSON mode every event of level 1 prints, because a script that
 * asks for JSON wants the events; level 2 still needs {@code -vv}.
 */
public final class Output {
    private final PrintStream diagnostics;
    private final OutputStream recordStream;
    private final boolean json;
    private final int verbosity;
    private final boolean color;
    private final boolean stackTraces;
    private final Object lock = new Object();

    public Output(
            PrintStream diagnostics,
            OutputStream recordStream,
            boolean json,
            int verbosity,
            boolean color,
            boolean stackTraces) {
        this.diagnostics = diagnostics;
        this.recordStream = recordStream;
        this.json = json;
        this.verbosity = verbosity;
        this.color = color;
        this.stackTraces = stackTraces;
    }

    public boolean json() {
        return json;
    }

    public int verbosity() {
        return verbosity;
    }

    public boolean color() {
        return color;
    }

    public PrintStream diagnostics() {
        return diagnostics;
    }

    /** Whether an event of this level would be printed. */
    public boolean enabled(int level) {
        return json ? level <= Math.max(1, verbosity) : verbosity >= level;
    }

    /** An event on stderr: {@code netkit: TEXT}, or the JSON object. */
    public void event(int level, String text, Json event) {
        if (!enabled(level)) {
            return;
        }
        diagnostic(json ? event.toString() : prefix() + style(text, Style.DIM));
    }

    /** A warning that prints whatever the verbosity (still JSON in JSON mode). */
    public void warn(String text) {
        diagnostic(json ? Json.event("warning").put("message", text).toString() : prefix() + style(text, Style.YELLOW));
    }

    /** The one-line error that ends a command. */
    public void error(NetkitException e) {
        String line = json
                ? Json.event("error")
                        .put("code", e.code())
                        .put("message", e.getMessage())
                        .put("exit", e.exitCode().code)
                        .toString()
                : prefix() + style(e.getMessage(), Style.RED);
        synchronized (lock) {
            diagnostics.println(line);
            if (stackTraces && e.getCause() != null) {
                e.getCause().printStackTrace(diagnostics);
            } else if (stackTraces) {
                e.printStackTrace(diagnostics);
            }
            diagnostics.flush();
        }
    }

    /** A record on stdout: the text line, or the JSON object in JSON mode; flushed at once. */
    public void record(String text, Json record) {
        String line = (json ? record.toString() : text) + "\n";
        synchronized (lock) {
            try {
                recordStream.write(line.getBytes(StandardCharsets.UTF_8));
                recordStream.flush();
            } catch (java.io.IOException e) {
                throw NetkitException.output(e, "stdout");
            }
        }
    }

    /**
     * The line {@link #record} would write (text or JSON, with its newline), for producers of
     * bursts of records that write them together with {@link #writeRecords}.
     */
    public String recordLine(String text, Json record) {
        return (json ? record.toString() : text) + "\n";
    }

    /** Writes record lines made by {@link #recordLine} with one write, and flushes. */
    public void writeRecords(CharSequence lines) {
        if (lines.isEmpty()) {
            return;
        }
        byte[] bytes = lines.toString().getBytes(StandardCharsets.UTF_8);
        synchronized (lock) {
            try {
                recordStream.write(bytes);
                recordStream.flush();
            } catch (java.io.IOException e) {
                throw NetkitException.output(e, "stdout");
            }
        }
    }

    private void diagnostic(String line) {
        synchronized (lock) {
            diagnostics.println(line);
            diagnostics.flush();
        }
    }

    private String prefix() {
        return color ? Style.BOLD.apply("netkit:") + " " : "netkit: ";
    }

    public String style(String text, Style style) {
        return color ? style.apply(text) : text;
    }

    /** ANSI styles used on stderr when colour is allowed. */
    public enum Style {
        RED("31"),
        YELLOW("33"),
        GREEN("32"),
        CYAN("36"),
        DIM("2"),
        BOLD("1");

        private final String sgr;

        Style(String sgr) {
            this.sgr = sgr;
        }

        /**
         * {@code text} in this style, each line reset before its newline, so a line never ends coloured (a
         * terminal would carry the colour into the next line, or the prompt).
         */
        public String apply(String text) {
            StringBuilder sb = new StringBuilder(text.length() + 16);
            int from = 0;
            while (from <= text.length()) {
                int nl = text.indexOf('\n', from);
                int end = nl < 0 ? text.length() : nl;
                if (end > from) {
                    sb.append("\u001b[")
                            .append(sgr)
                            .append('m')
                            .append(text, from, end)
                            .append("\u001b[0m");
                }
                if (nl < 0) {
                    break;
                }
                sb.append('\n');
                from = nl + 1;
            }
            return sb.toString();
        }
    }
}
