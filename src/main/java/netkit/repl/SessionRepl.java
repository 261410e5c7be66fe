package netkit.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import netkit.output.HexDump;
import netkit.output.Output.Style;
import netkit.repl.ReplSession.Feature;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;

/**
 * The session REPL of SPEC §9, as a function of a JLine {@link Terminal} and a {@link ReplSession}:
 * a line editor (Emacs keys, history) whose lines go to the peer, with incoming data printed above
 * the input line so it never garbles what is being typed. Lines starting with {@code /} are
 * commands; {@code //x} sends {@code /x}. Ctrl-D is stdin EOF, Ctrl-C ends the session.
 */
public final class SessionRepl {
    /** How the REPL ended. */
    public enum End {
        /** {@code /quit}: the user closed the session. */
        QUIT,
        /** Ctrl-C: the user interrupted the session (exit 130). */
        INTERRUPTED,
        /** The session ended by itself (peer closed, error, count reached). */
        SESSION_ENDED
    }

    /** A partial line (no newline yet) is shown after this much quiet, so prompts such as "login: " appear. */
    static final long PARTIAL_LINE_FLUSH_MS = 100;

    private static final int SEND_CHUNK = 64 * 1024;

    /** A partial line this long is shown at once, so data without newlines is neither held nor copied over and over. */
    static final int LONGEST_PARTIAL_LINE = 4096;

    private final Terminal terminal;
    private final ReplSession session;
    private final boolean color;
    private final boolean commands;
    private volatile boolean crlf;
    private volatile HexDump hexDump;

    private LineReader reader;
    private Thread replThread;
    private final Object threadLock = new Object();
    private final CountDownLatch endedLatch = new CountDownLatch(1);
    private volatile boolean ended;
    private volatile boolean interruptRequested;
    private boolean inputClosed;

    private final Object screenLock = new Object();
    private String progressLine;
    private final Map<String, Partial> partials = new HashMap<>();
    private ScheduledExecutorService flusher;

    public SessionRepl(Terminal terminal, ReplSession session, ReplOptions options) {
        this.terminal = terminal;
        this.session = session;
        this.color = options.color() && !terminal.getType().startsWith(Terminal.TYPE_DUMB);
        this.crlf = options.crlf();
        this.commands = options.commands();
        this.hexDump = options.hex() ? hexDumpToScreen() : null;
    }

    /** Runs the REPL until {@code /quit}, Ctrl-C or the end of the session; the session is closed on return. */
    public End run() {
        replThread = Thread.currentThread();
        reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("netkit")
                .completer(commands ? new CommandCompleter(session.features()) : NO_COMPLETION)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .build();
        flusher = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("netkit-repl-flush").factory());
        SignalHandler previousInt = terminal.handle(Signal.INT, s -> {
            // Outside readLine (during /send, or waiting after a second Ctrl-D): stop what runs.
            interruptRequested = true;
            endedLatch.countDown();
        });
        try {
            notice("session with " + session.name() + (commands ? "; /help lists the commands, Ctrl-C ends it"
                    : "; lines are sent as typed, Ctrl-C ends it"));
            session.listen(new ScreenListener());
            return loop();
        } finally {
            session.close();
            flusher.shutdownNow();
            flushAllPartials();
            terminal.handle(Signal.INT, previousInt);
            synchronized (threadLock) {
                replThread = null;
                Thread.interrupted(); // a wake-up from the session's end must not leak to the caller
            }
        }
    }

    private End loop() {
        String prompt = session.name() + "> ";
        while (true) {
            if (ended) {
                return End.SESSION_ENDED;
            }
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                Thread.interrupted();
                if (ended) {
                    return End.SESSION_ENDED;
                }
                return End.INTERRUPTED; // the command reports it (exit 130)
            } catch (EndOfFileException e) {
                if (ended) {
                    return End.SESSION_ENDED;
                }
                if (!inputClosed) {
                    endOfInput("Ctrl-D");
                    continue;
                }
                // Ctrl-D again: nothing more to type; wait for the session (or Ctrl-C) to end it.
                notice("waiting for the session to end (Ctrl-C ends it now)");
                awaitEndOrInterrupt();
                return ended ? End.SESSION_ENDED : End.INTERRUPTED;
            }
            if (ended) {
                return End.SESSION_ENDED;
            }
            End end = handle(line);
            if (end != null) {
                return end;
            }
            if (interruptRequested && !ended) {
                return End.INTERRUPTED;
            }
        }
    }

    private void awaitEndOrInterrupt() {
        try {
            endedLatch.await();
        } catch (InterruptedException e) {
            Thread.interrupted();
        }
    }

    /** Handles one typed line; returns how the REPL ends, or null to go on. */
    End handle(String line) {
        if (!commands) {
            sendLine(line);
            return null;
        }
        if (line.startsWith("//")) {
            sendLine(line.substring(1));
            return null;
        }
        if (!line.startsWith("/")) {
            sendLine(line);
            return null;
        }
        String[] words = line.substring(1).trim().split("\\s+", 2);
        String command = words[0].toLowerCase(Locale.ROOT);
        String arg = words.length > 1 ? words[1].trim() : "";
        Set<Feature> features = session.features();
        try {
            switch (command) {
                case "help", "?" -> help(features);
                case "quit", "exit" -> {
                    notice("closing");
                    return End.QUIT;
                }
                case "stats" -> stats();
                case "hex" -> hex(arg);
                case "crlf" -> crlf(arg);
                case "eof" -> {
                    require(features, Feature.HALF_CLOSE, "/eof");
                    if (inputClosed) {
                        notice("already half-closed");
                    } else {
                        inputClosed = true;
                        session.halfClose();
                        notice("half-closed: FIN sent, still reading; Ctrl-C or /quit ends the session");
                    }
                }
                case "pause" -> {
                    require(features, Feature.PAUSE, "/pause");
                    session.pause();
                    notice("paused: not reading from the socket (the kernel applies backpressure); /resume reads again");
                }
                case "resume" -> {
                    require(features, Feature.PAUSE, "/resume");
                    session.resume();
                    notice("resumed");
                }
                case "send" -> sendFile(arg);
                case "clients" -> clients(features);
                case "kick" -> {
                    require(features, Feature.CLIENTS, "/kick");
                    if (arg.isEmpty()) {
                        error("usage: /kick ID (see /clients)");
                    } else if (!session.kick(arg)) {
                        error("no client with id '" + arg + "' (see /clients)");
                    }
                }
                case "join", "leave" -> {
                    require(features, Feature.MEMBERSHIP, "/" + command);
                    if (arg.isEmpty()) {
                        error("usage: /" + command + " GROUP");
                    } else if (command.equals("join")) {
                        session.join(arg);
                        notice("joined " + arg);
                    } else {
                        session.leave(arg);
                        notice("left " + arg);
                    }
                }
                default -> error("unknown command '/" + command + "' (/help lists them; //" + command + " sends the text)");
            }
        } catch (NotApplicable e) {
            error(e.getMessage());
        } catch (IOException | RuntimeException e) {
            error("/" + command + " failed: " + message(e));
        }
        return null;
    }

    private void sendLine(String text) {
        if (inputClosed) {
            error("input is closed (Ctrl-D or /eof); nothing more can be sent");
            return;
        }
        String eol = crlf ? "\r\n" : "\n";
        String payload = (crlf ? text.replace("\r\n", "\n").replace("\n", "\r\n") : text) + eol;
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        try {
            session.send(bytes, 0, bytes.length);
            HexDump dump = hexDump;
            if (dump != null) {
                dump.record(HexDump.Direction.SENT, bytes, 0, bytes.length);
            }
        } catch (IOException | RuntimeException e) {
            error("send failed: " + message(e));
        }
    }

    private void endOfInput(String how) {
        inputClosed = true;
        try {
            session.endOfInput();
            notice("end of input (" + how + "); typed lines are no longer sent; Ctrl-C or /quit ends the session");
        } catch (IOException | RuntimeException e) {
            error("end of input failed: " + message(e));
        }
    }

    private void help(Set<Feature> features) {
        List<String> lines = new ArrayList<>();
        lines.add("Typed lines are sent with " + (crlf ? "\\r\\n" : "\\n") + "; a line starting with // sends it with one / less.");
        lines.add("  /help              this list");
        lines.add("  /quit              end the session (also Ctrl-C)");
        lines.add("  /stats             bytesRead, bytesWritten, bufferSize, connections");
        lines.add("  /hex on|off        show traffic as a hex dump (now " + onOff(hexDump != null) + ")");
        lines.add("  /crlf on|off       send \\r\\n instead of \\n (now " + onOff(crlf) + ")");
        if (features.contains(Feature.PAUSE)) {
            lines.add("  /pause, /resume    stop / restart reading from the socket");
        }
        lines.add("  /send FILE         send a file's bytes unchanged, with progress");
        if (features.contains(Feature.HALF_CLOSE)) {
            lines.add("  /eof               half-close: send FIN, keep reading");
        }
        if (features.contains(Feature.CLIENTS)) {
            lines.add("  /clients           list the connected clients");
            lines.add("  /kick ID           disconnect a client");
        }
        if (features.contains(Feature.MEMBERSHIP)) {
            lines.add("  /join GROUP        join a multicast group");
            lines.add("  /leave GROUP       leave a multicast group");
        }
        lines.add("Ctrl-D ends the input (the --stdin-eof policy applies), Ctrl-C ends the session.");
        for (String l : lines) {
            notice(l);
        }
    }

    private void stats() {
        ReplSession.Stats s = session.stats();
        notice("bytesRead " + s.bytesRead() + ", bytesWritten " + s.bytesWritten() + ", bufferSize " + s.bufferSize()
                + ", connections " + s.connections() + (s.detail() == null ? "" : ", " + s.detail()));
    }

    private void hex(String arg) {
        Boolean on = parseOnOff(arg, "/hex");
        if (on != null) {
            hexDump = on ? hexDumpToScreen() : null;
            notice("hex " + onOff(on));
        }
    }

    private void crlf(String arg) {
        Boolean on = parseOnOff(arg, "/crlf");
        if (on != null) {
            crlf = on;
            notice("lines end with " + (on ? "\\r\\n" : "\\n"));
        }
    }

    private Boolean parseOnOff(String arg, String command) {
        return switch (arg.toLowerCase(Locale.ROOT)) {
            case "on" -> Boolean.TRUE;
            case "off" -> Boolean.FALSE;
            default -> {
                error("usage: " + command + " on|off");
                yield null;
            }
        };
    }

    private void clients(Set<Feature> features) {
        require(features, Feature.CLIENTS, "/clients");
        List<ReplSession.Client> clients = session.clients();
        if (clients.isEmpty()) {
            notice("no clients connected");
        }
        for (ReplSession.Client c : clients) {
            notice(c.id() + "  " + c.address() + "  bytesRead " + c.bytesRead() + ", bytesWritten " + c.bytesWritten());
        }
    }

    /** {@code /send FILE}: the file's bytes, unchanged, with a progress line refreshed at most 4 times a second. */
    private void sendFile(String arg) throws IOException {
        if (arg.isEmpty()) {
            error("usage: /send FILE");
            return;
        }
        if (inputClosed) {
            error("input is closed (Ctrl-D or /eof); nothing more can be sent");
            return;
        }
        Path file;
        try {
            file = Path.of(arg.startsWith("~/") ? System.getProperty("user.home") + arg.substring(1) : arg);
        } catch (InvalidPathException e) {
            error("invalid file name '" + arg + "'");
            return;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            error("no such file '" + arg + "'");
            return;
        }
        interruptRequested = false;
        long sent = 0;
        long start = System.nanoTime();
        long lastShown = 0;
        byte[] buf = new byte[SEND_CHUNK];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (interruptRequested || ended) {
                    endProgress("/send " + arg + ": stopped after " + sent + " of " + size + " bytes");
                    interruptRequested = false;
                    return;
                }
                session.send(buf, 0, n);
                sent += n;
                long now = System.nanoTime();
                if (now - lastShown >= 250_000_000L) {
                    lastShown = now;
                    progress("sending " + arg + ": " + progressText(sent, size, now - start));
                }
            }
        } catch (IOException | RuntimeException e) {
            endProgress("/send " + arg + ": failed after " + sent + " bytes: " + message(e));
            return;
        }
        endProgress("sent " + arg + ": " + progressText(sent, size, System.nanoTime() - start));
    }

    static String progressText(long sent, long size, long nanos) {
        double seconds = Math.max(nanos / 1e9, 1e-3);
        String pct = size > 0 ? String.format(Locale.ROOT, " (%d%%)", sent * 100 / size) : "";
        return sent + " of " + size + " bytes" + pct + ", " + humanRate(sent / seconds);
    }

    private static String humanRate(double bytesPerSecond) {
        String[] units = {"B/s", "KiB/s", "MiB/s", "GiB/s"};
        int u = 0;
        while (bytesPerSecond >= 1024 && u < units.length - 1) {
            bytesPerSecond /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", bytesPerSecond, units[u]);
    }

    // ---- the screen: everything shown goes above the input line, under one lock ----

    private void progress(String text) {
        synchronized (screenLock) {
            progressLine = text;
            terminal.writer().print("\r" + clearToEnd() + text);
            terminal.flush();
        }
    }

    private void endProgress(String text) {
        synchronized (screenLock) {
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
        synchronized (screenLock) {
            if (progressLine != null) {
                terminal.writer().print("\r" + clearToEnd() + line + "\n" + progressLine);
                terminal.flush();
            } else {
                reader.printAbove(line);
            }
        }
    }

    void notice(String text) {
        show(color ? Style.CYAN.apply("netkit: " + text) : "netkit: " + text);
    }

    private void error(String text) {
        show(color ? Style.RED.apply("netkit: " + text) : "netkit: " + text);
    }

    private void showData(String source, String text) {
        show(label(source) + text);
    }

    private String label(String source) {
        return source == null ? "" : color ? Style.DIM.apply("[" + source + "] ") : "[" + source + "] ";
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

    private void flushAllPartials() {
        synchronized (partials) {
            for (Map.Entry<String, Partial> e : partials.entrySet()) {
                e.getValue().flush(e.getKey());
            }
            partials.clear();
        }
    }

    /** Bytes of one source that do not end in a newline yet. */
    private final class Partial {
        private byte[] bytes = new byte[0];
        private ScheduledFuture<?> pending;

        void append(byte[] data, int off, int len) {
            byte[] joined = new byte[bytes.length + len];
            System.arraycopy(bytes, 0, joined, 0, bytes.length);
            System.arraycopy(data, off, joined, bytes.length, len);
            bytes = joined;
        }

        void flush(String source) {
            if (pending != null) {
                pending.cancel(false);
                pending = null;
            }
            if (bytes.length > 0) {
                showData(source, Printable.escape(bytes, 0, bytes.length));
                bytes = new byte[0];
            }
        }
    }

    /** Splits incoming bytes into lines per source; a trailing CR of CRLF is not shown. */
    private void incoming(String source, byte[] data, int off, int len) {
        HexDump dump = hexDump;
        if (dump != null) {
            dump.record(HexDump.Direction.RECEIVED, data, off, len);
            return;
        }
        synchronized (partials) {
            Partial partial = partials.computeIfAbsent(source, k -> new Partial());
            if (partial.pending != null) {
                partial.pending.cancel(false);
                partial.pending = null;
            }
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
                    partial.pending = flusher.schedule(() -> {
                        synchronized (partials) {
                            partial.flush(source);
                        }
                    }, PARTIAL_LINE_FLUSH_MS, TimeUnit.MILLISECONDS);
                } catch (RuntimeException e) {
                    partial.flush(source); // the REPL is ending
                }
            }
        }
    }

    private final class ScreenListener implements ReplSession.Listener {
        @Override
        public void data(String source, byte[] data, int off, int len) {
            incoming(source, data, off, len);
        }

        @Override
        public void message(String source, byte[] data, int off, int len) {
            if (len == 0) {
                SessionRepl.this.notice("empty datagram" + (source == null ? "" : " from " + source));
                return;
            }
            incoming(source, data, off, len);
            synchronized (partials) {
                Partial partial = partials.remove(source);
                if (partial != null) {
                    partial.flush(source);
                }
            }
        }

        @Override
        public void notice(String text) {
            SessionRepl.this.notice(text);
        }

        @Override
        public void ended() {
            flushAllPartials();
            ended = true;
            endedLatch.countDown();
            // wakes readLine (it turns the interrupt into UserInterruptException; `ended` tells them apart)
            synchronized (threadLock) {
                Thread t = replThread;
                if (t != null && t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
        }
    }

    private static final Completer NO_COMPLETION = (reader, line, candidates) -> { };

    /** Tab completes the commands that apply to the session, and file names after {@code /send}. */
    static final class CommandCompleter implements Completer {
        private final List<String> names = new ArrayList<>();
        private final Completer files = new Completers.FileNameCompleter();

        CommandCompleter(Set<Feature> features) {
            names.addAll(List.of("/help", "/quit", "/stats", "/hex", "/crlf", "/send"));
            if (features.contains(Feature.PAUSE)) {
                names.addAll(List.of("/pause", "/resume"));
            }
            if (features.contains(Feature.HALF_CLOSE)) {
                names.add("/eof");
            }
            if (features.contains(Feature.CLIENTS)) {
                names.addAll(List.of("/clients", "/kick"));
            }
            if (features.contains(Feature.MEMBERSHIP)) {
                names.addAll(List.of("/join", "/leave"));
            }
        }

        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            List<String> words = line.words();
            if (line.wordIndex() == 0) {
                if (line.word().startsWith("/")) {
                    names.forEach(n -> candidates.add(new Candidate(n)));
                }
            } else if (words.get(0).equals("/send") && line.wordIndex() == 1) {
                files.complete(reader, line, candidates);
            } else if (line.wordIndex() == 1 && (words.get(0).equals("/hex") || words.get(0).equals("/crlf"))) {
                candidates.add(new Candidate("on"));
                candidates.add(new Candidate("off"));
            }
        }
    }

    private static void require(Set<Feature> features, Feature feature, String command) {
        if (!features.contains(feature)) {
            throw new NotApplicable(command + " does not apply to this session");
        }
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static final class NotApplicable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotApplicable(String message) {
            super(message, null, false, false);
        }
    }
}
