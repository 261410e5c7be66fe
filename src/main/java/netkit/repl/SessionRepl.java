package netkit.repl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import netkit.repl.CommandTable.Argument;
import netkit.repl.ReplSession.Feature;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import org.jline.terminal.Terminal.SignalHandler;

/**
 * The session REPL of SPEC §9, as a function of a JLine {@link Terminal} and a {@link ReplSession}:
 * a line editor (Emacs keys, history) whose lines go to the peer, with incoming data printed above
 * the input line (by the {@link Screen}) so it never garbles what is being typed. Lines starting
 * with {@code /} are commands, from one {@link CommandTable}; {@code //x} sends {@code /x}. Ctrl-D
 * is stdin EOF; Ctrl-C drops a half-typed line, and on an empty line ends the session.
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

    private static final int SEND_CHUNK = 64 * 1024;

    private final Terminal terminal;
    private final ReplSession session;
    private final ReplOptions options;
    private final Path history;
    private final boolean commands;
    private final CommandTable table;
    private volatile boolean crlf;

    private LineReader reader;
    private Screen screen;
    private Thread replThread;
    private final Object threadLock = new Object();
    private final CountDownLatch endedLatch = new CountDownLatch(1);
    private volatile boolean ended;
    private volatile boolean interruptRequested;
    private boolean inputClosed;

    public SessionRepl(Terminal terminal, ReplSession session, ReplOptions options) {
        this(terminal, session, options, null);
    }

    /** {@code history}: the file typed lines are kept in across sessions, or null for none. */
    public SessionRepl(Terminal terminal, ReplSession session, ReplOptions options, Path history) {
        this.terminal = terminal;
        this.session = session;
        this.options = options;
        this.history = history;
        this.crlf = options.crlf();
        this.commands = options.commands();
        this.table = new CommandTable(commandList(), session.features());
    }

    /** Runs the REPL until {@code /quit}, Ctrl-C or the end of the session; the session is closed on return. */
    public End run() {
        replThread = Thread.currentThread();
        reader = HistoryFiles.use(LineReaderBuilder.builder(), history)
                .terminal(terminal)
                .appName("netkit")
                .completer(commands ? table.completer() : NO_COMPLETION)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        screen = new Screen(terminal, reader, options.color(), options.hex());
        SignalHandler previousInt = terminal.handle(Signal.INT, s -> {
            // Outside readLine (during /send, or waiting after a second Ctrl-D): stop what runs.
            interruptRequested = true;
            endedLatch.countDown();
        });
        try {
            screen.notice("session with " + session.name()
                    + (commands
                            ? "; /help lists the commands, Ctrl-C ends it"
                            : "; lines are sent as typed, Ctrl-C ends it"));
            session.listen(new ScreenListener());
            return loop();
        } finally {
            session.close();
            screen.close();
            HistoryFiles.save(reader);
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
            if (interruptRequested) {
                return End.INTERRUPTED; // Ctrl-C between two lines
            }
            String line;
            try {
                line = reader.readLine(prompt);
            } catch (UserInterruptException e) {
                Thread.interrupted();
                if (ended) {
                    return End.SESSION_ENDED;
                }
                if (!e.getPartialLine().isEmpty()) {
                    continue; // Ctrl-C drops the half-typed line, as in the shell
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
                screen.notice("waiting for the session to end (Ctrl-C ends it now)");
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
    private End handle(String line) {
        if (!commands || !line.startsWith("/")) {
            sendLine(line);
            return null;
        }
        if (line.startsWith("//")) {
            sendLine(line.substring(1));
            return null;
        }
        String[] words = line.substring(1).trim().split("\\s+", 2);
        String word = words[0];
        String arg = words.length > 1 ? words[1].trim() : "";
        switch (table.find(word, arg)) {
            case CommandTable.Lookup.Found found -> {
                try {
                    return found.command().action().run(arg);
                } catch (IOException | RuntimeException e) {
                    screen.error("/" + found.command().name() + " failed: " + message(e));
                }
            }
            case CommandTable.Lookup.Unknown unknown ->
                screen.error("unknown command '/" + unknown.word() + "' (/help lists them; //" + unknown.word()
                        + " sends the text)");
            case CommandTable.Lookup.NotApplicable na ->
                screen.error("/" + na.command().name() + " does not apply to this session");
            case CommandTable.Lookup.MissingArgument missing ->
                screen.error("usage: " + missing.command().usage());
        }
        return null;
    }

    /** The commands, in the order {@code /help} lists them. */
    private List<CommandTable.Command> commandList() {
        return List.of(
                command("help", List.of("?"), null, Argument.NONE, () -> "this list", arg -> help()),
                command(
                        "quit",
                        List.of("exit"),
                        null,
                        Argument.NONE,
                        () -> "end the session (also Ctrl-C on an empty line)",
                        arg -> {
                            screen.notice("closing");
                            return End.QUIT;
                        }),
                command(
                        "stats",
                        List.of(),
                        null,
                        Argument.NONE,
                        () -> "bytesRead, bytesWritten, bufferSize, connections",
                        arg -> stats()),
                command(
                        "hex",
                        List.of(),
                        null,
                        Argument.ON_OFF,
                        () -> "show traffic as a hex dump (now " + onOff(screen == null ? options.hex() : screen.hex())
                                + ")",
                        this::hex),
                command(
                        "crlf",
                        List.of(),
                        null,
                        Argument.ON_OFF,
                        () -> "send \\r\\n instead of \\n (now " + onOff(crlf) + ")",
                        this::crlf),
                command(
                        "pause",
                        List.of(),
                        Feature.PAUSE,
                        Argument.NONE,
                        () -> "stop reading from the socket (the kernel applies backpressure)",
                        arg -> pause()),
                command(
                        "resume",
                        List.of(),
                        Feature.PAUSE,
                        Argument.NONE,
                        () -> "read from the socket again",
                        arg -> resume()),
                command(
                        "send",
                        List.of(),
                        null,
                        Argument.FILE,
                        () -> "send a file's bytes unchanged, with progress",
                        this::sendFile),
                command(
                        "eof",
                        List.of(),
                        Feature.HALF_CLOSE,
                        Argument.NONE,
                        () -> "half-close: send FIN, keep reading",
                        arg -> halfClose()),
                command(
                        "clients",
                        List.of(),
                        Feature.CLIENTS,
                        Argument.NONE,
                        () -> "list the connected clients",
                        arg -> clients()),
                command(
                        "kick",
                        List.of(),
                        Feature.CLIENTS,
                        Argument.ID,
                        () -> "disconnect a client (IDs as /clients shows them)",
                        this::kick),
                command(
                        "join",
                        List.of(),
                        Feature.MEMBERSHIP,
                        Argument.GROUP,
                        () -> "join a multicast group",
                        this::join),
                command(
                        "leave",
                        List.of(),
                        Feature.MEMBERSHIP,
                        Argument.GROUP,
                        () -> "leave a multicast group",
                        this::leave));
    }

    /** The table the REPL dispatches, explains and completes from. */
    CommandTable commands() {
        return table;
    }

    private static CommandTable.Command command(
            String name,
            List<String> aliases,
            Feature needs,
            Argument argument,
            java.util.function.Supplier<String> help,
            CommandTable.Action action) {
        return new CommandTable.Command(name, aliases, needs, argument, help, action);
    }

    private void sendLine(String text) {
        if (inputClosed) {
            screen.error("input is closed (Ctrl-D or /eof); nothing more can be sent");
            return;
        }
        String eol = crlf ? "\r\n" : "\n";
        String payload = (crlf ? text.replace("\r\n", "\n").replace("\n", "\r\n") : text) + eol;
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        try {
            session.send(bytes, 0, bytes.length);
            screen.sent(bytes, 0, bytes.length);
        } catch (IOException | RuntimeException e) {
            screen.error("send failed: " + message(e));
        }
    }

    private void endOfInput(String how) {
        inputClosed = true;
        try {
            session.endOfInput();
            screen.notice(
                    "end of input (" + how + "); typed lines are no longer sent; Ctrl-C or /quit ends the session");
        } catch (IOException | RuntimeException e) {
            screen.error("end of input failed: " + message(e));
        }
    }

    // ---- the commands ----

    private End help() {
        screen.notice("Typed lines are sent with " + (crlf ? "\\r\\n" : "\\n")
                + "; a line starting with // sends it with one / less.");
        table.helpLines().forEach(screen::notice);
        screen.notice("Ctrl-D ends the input (the --stdin-eof policy applies); Ctrl-C drops the line being typed, "
                + "on an empty line it ends the session.");
        return null;
    }

    private End stats() {
        ReplSession.Stats s = session.stats();
        screen.notice("bytesRead " + s.bytesRead() + ", bytesWritten " + s.bytesWritten() + ", bufferSize "
                + s.bufferSize() + ", connections " + s.connections() + (s.detail() == null ? "" : ", " + s.detail()));
        return null;
    }

    private End hex(String arg) {
        Boolean on = parseOnOff(arg, "/hex");
        if (on != null) {
            screen.hex(on);
            screen.notice("hex " + onOff(on));
        }
        return null;
    }

    private End crlf(String arg) {
        Boolean on = parseOnOff(arg, "/crlf");
        if (on != null) {
            crlf = on;
            screen.notice("lines end with " + (on ? "\\r\\n" : "\\n"));
        }
        return null;
    }

    private Boolean parseOnOff(String arg, String command) {
        return switch (arg.toLowerCase(Locale.ROOT)) {
            case "on" -> Boolean.TRUE;
            case "off" -> Boolean.FALSE;
            default -> {
                screen.error("usage: " + command + " on|off");
                yield null;
            }
        };
    }

    private End pause() {
        session.pause();
        screen.notice("paused: not reading from the socket (the kernel applies backpressure); /resume reads again");
        return null;
    }

    private End resume() {
        session.resume();
        screen.notice("resumed");
        return null;
    }

    private End halfClose() throws IOException {
        if (inputClosed) {
            screen.notice("already half-closed");
        } else {
            inputClosed = true;
            session.halfClose();
            screen.notice("half-closed: FIN sent, still reading; Ctrl-C or /quit ends the session");
        }
        return null;
    }

    private End clients() {
        List<ReplSession.Client> clients = session.clients();
        if (clients.isEmpty()) {
            screen.notice("no clients connected");
        }
        for (ReplSession.Client c : clients) {
            screen.notice(c.id() + "  " + c.address() + "  bytesRead " + c.bytesRead() + ", bytesWritten "
                    + c.bytesWritten());
        }
        return null;
    }

    private End kick(String id) throws IOException {
        if (!session.kick(id)) {
            screen.error("no client with id '" + id + "' (see /clients)");
        }
        return null;
    }

    private End join(String group) throws IOException {
        session.join(group);
        screen.notice("joined " + group);
        return null;
    }

    private End leave(String group) throws IOException {
        session.leave(group);
        screen.notice("left " + group);
        return null;
    }

    /** {@code /send FILE}: the file's bytes, unchanged, with a progress line refreshed at most 4 times a second. */
    private End sendFile(String arg) throws IOException {
        if (inputClosed) {
            screen.error("input is closed (Ctrl-D or /eof); nothing more can be sent");
            return null;
        }
        Path file;
        try {
            file = Path.of(arg.startsWith("~/") ? System.getProperty("user.home") + arg.substring(1) : arg);
        } catch (InvalidPathException e) {
            screen.error("invalid file name '" + arg + "'");
            return null;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            screen.error("no such file '" + arg + "'");
            return null;
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
                    screen.endProgress("/send " + arg + ": stopped after " + sent + " of " + size + " bytes");
                    interruptRequested = false;
                    return null;
                }
                session.send(buf, 0, n);
                sent += n;
                long now = System.nanoTime();
                if (now - lastShown >= 250_000_000L) {
                    lastShown = now;
                    screen.progress("sending " + arg + ": " + progressText(sent, size, now - start));
                }
            }
        } catch (IOException | RuntimeException e) {
            screen.endProgress("/send " + arg + ": failed after " + sent + " bytes: " + message(e));
            return null;
        }
        screen.endProgress("sent " + arg + ": " + progressText(sent, size, System.nanoTime() - start));
        return null;
    }

    private static String progressText(long sent, long size, long nanos) {
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

    /** What the session reports goes to the screen; its end wakes the REPL. */
    private final class ScreenListener implements ReplSession.Listener {
        @Override
        public void data(String source, byte[] data, int off, int len) {
            screen.data(source, data, off, len);
        }

        @Override
        public void message(String source, byte[] data, int off, int len) {
            screen.message(source, data, off, len);
        }

        @Override
        public void notice(String text) {
            screen.notice(text);
        }

        @Override
        public void ended() {
            screen.flushPartials();
            ended = true;
            endedLatch.countDown();
            // The prompt goes with the session: readLine, woken below, erases its line instead of
            // leaving a prompt on the screen that nothing reads any more.
            reader.setOpt(LineReader.Option.ERASE_LINE_ON_FINISH);
            // wakes readLine (it turns the interrupt into UserInterruptException; `ended` tells them apart)
            synchronized (threadLock) {
                Thread t = replThread;
                if (t != null && t != Thread.currentThread()) {
                    t.interrupt();
                }
            }
        }
    }

    private static final Completer NO_COMPLETION = (reader, line, candidates) -> {};

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
