package netkit.repl;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import netkit.output.HexDump;
import netkit.output.Output.Style;
import org.jline.reader.LineReader;
import org.jline.terminal.Terminal;

/**
 * What the session REPL shows: every line goes above the line being typed ({@link
 * LineReader#printAbove}), or above the progress line while one is drawn, under one lock. It owns
 * the three kinds of output that are not plain lines: incoming bytes cut into lines per source
 * (a partial line such as {@code login: } is shown after {@link #PARTIAL_LINE_FLUSH_MS} of quiet),
 * the hex dump that replaces them ({@code /hex}), and the progress line of {@code /send}.
 */
final class Screen implements AutoCloseable {
    /** A partial line (no newline yet) is shown after this much quiet, so prompts such as "login: " appear. */
    static final long PARTIAL_LINE_FLUSH_MS = 100;

    /** A partial line this long is shown at once, so data without newlines is neither held nor copied over and over. */
    static final int LONGEST_PARTIAL_LINE = 4096;

    private final Terminal terminal;
    private final LineReader reader;
    private final boolean color;
    private final Object lock = new Object();
    private String progressLine;
    private volatile HexDump hexDump;
    private final Map<String, Partial> partials = new HashMap<>();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("netkit-repl-flush").factory());

    Screen(Terminal terminal, LineReader reader, boolean color, boolean hex) {
        this.terminal = terminal;
        this.reader = reader;
        this.color = color && !isDumb();
        this.hexDump = hex ? hexDumpToScreen() : null;
    }

    /** A local notice: {@code netkit: TEXT}, cyan when colour is allowed. */
    void notice(String text) {
        show(color ? Style.CYAN.apply("netkit: " + text) : "netkit: " + text);
    }

    /** A local error: {@code netkit: TEXT}, red when colour is allowed. */
    void error(String text) {
        show(color ? Style.RED.apply("netkit: " + text) : "netkit: " + text);
    }

    // ---- the hex dump ----

    boolean hex() {
        return hexDump != null;
    }

    /** {@code /hex on|off}: both directions as a hex dump instead of lines. */
    void hex(boolean on) {
        hexDump = on ? hexDumpToScreen() : null;
    }

    /** Bytes sent to the peer: part of the dump while {@code /hex} is on, else not shown. */
    void sent(byte[] data, int off, int len) {
        HexDump dump = hexDump;
        if (dump != null) {
            dump.record(HexDump.Direction.SENT, data, off, len);
        }
    }

    private HexDump hexDumpToScreen() {
        return new HexDump(new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                String text = new String(b, off, len, StandardCharsets.US_ASCII);
                show(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
            }
        });
    }

    // ---- the progress line ----

    /** Draws (or redraws) the progress line below everything shown. */
    void progress(String text) {
        synchronized (lock) {
            progressLine = text;
            terminal.writer().print("\r" + clearToEnd() + text);
            terminal.flush();
        }
    }

    /** Removes the progress line and shows {@code text} as a notice in its place. */
    void endProgress(String text) {
        synchronized (lock) {
            if (progressLine != null) {
                terminal.writer().print("\r" + clearToEnd());
                progressLine = null;
            }
        }
        notice(text);
    }

    private String clearToEnd() {
        return isDumb() ? "" : "\u001b[K";
    }

    private boolean isDumb() {
        return terminal.getType().startsWith(Terminal.TYPE_DUMB);
    }

    /** Prints one complete line above the prompt (or above the progress line while a file is sent). */
    private void show(String line) {
        synchronized (lock) {
            if (progressLine != null) {
                terminal.writer().print("\r" + clearToEnd() + line + "\n" + progressLine);
                terminal.flush();
            } else {
                reader.printAbove(line);
            }
        }
    }

    // ---- incoming data ----

    /**
     * Bytes received from {@code source} (null: the one peer), shown as lines, each labelled with
     * its source when there is one; a trailing CR of CRLF is not shown, non-printable bytes are
     * escaped.
     */
    void data(String source, byte[] data, int off, int len) {
        HexDump dump = hexDump;
        if (dump != null) {
            dump.record(HexDump.Direction.RECEIVED, data, off, len);
            return;
        }
        synchronized (partials) {
            Partial partial = partials.computeIfAbsent(source, k -> new Partial());
            partial.cancelFlush();
            int end = off + len;
            int start = off;
            // Every complete line of the chunk goes up in one print: one redraw of the prompt per
            // chunk, not per line, so a flood does not slow the socket down to the terminal's pace.
            StringBuilder lines = null;
            for (int i = off; i < end; i++) {
                if (data[i] == '\n') {
                    partial.append(data, start, i - start);
                    byte[] line = partial.bytes;
                    int n = line.length > 0 && line[line.length - 1] == '\r' ? line.length - 1 : line.length;
                    if (lines == null) {
                        lines = new StringBuilder(Math.min(len * 2, 1 << 20));
                    } else {
                        lines.append('\n');
                    }
                    lines.append(label(source)).append(Printable.escape(line, 0, n));
                    partial.bytes = new byte[0];
                    start = i + 1;
                }
            }
            if (lines != null) {
                show(lines.toString());
            }
            if (start < end) {
                partial.append(data, start, end - start);
                if (partial.bytes.length >= LONGEST_PARTIAL_LINE) {
                    partial.flush(source); // a stream without newlines: show it as it comes
                    return;
                }
                try {
                    partial.pending = flusher.schedule(
                            () -> {
                                synchronized (partials) {
                                    partial.flush(source);
                                }
                            },
                            PARTIAL_LINE_FLUSH_MS,
                            TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    partial.flush(source); // the REPL is ending
                }
            }
        }
    }

    /**
     * One whole message (a datagram) from {@code source}: shown at once, a last line without a
     * newline included; an empty one is announced.
     */
    void message(String source, byte[] data, int off, int len) {
        if (len == 0) {
            notice("empty datagram" + (source == null ? "" : " from " + source));
            return;
        }
        data(source, data, off, len);
        synchronized (partials) {
            Partial partial = partials.remove(source);
            if (partial != null) {
                partial.flush(source);
            }
        }
    }

    /** Shows every partial line now (the session ended: no more bytes will complete them). */
    void flushPartials() {
        synchronized (partials) {
            for (Map.Entry<String, Partial> e : partials.entrySet()) {
                e.getValue().flush(e.getKey());
            }
            partials.clear();
        }
    }

    private String label(String source) {
        return source == null ? "" : color ? Style.DIM.apply("[" + source + "] ") : "[" + source + "] ";
    }

    /** Stops the partial-line timer and shows what is left. */
    @Override
    public void close() {
        flusher.shutdownNow();
        flushPartials();
    }

    /** Bytes of one source that do not end in a newline yet; guarded by {@code partials}. */
    private final class Partial {
        private byte[] bytes = new byte[0];
        private ScheduledFuture<?> pending;

        void append(byte[] data, int off, int len) {
            byte[] joined = new byte[bytes.length + len];
            System.arraycopy(bytes, 0, joined, 0, bytes.length);
            System.arraycopy(data, off, joined, bytes.length, len);
            bytes = joined;
        }

        void cancelFlush() {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
        }

        void flush(String source) {
            cancelFlush();
            if (bytes.length > 0) {
                show(label(source) + Printable.escape(bytes, 0, bytes.length));
                bytes = new byte[0];
            }
        }
    }
}
