package netkit.repl;

import java.io.IOException;
import java.io.PrintStream;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import netkit.ExitCode;
import netkit.Stdio;
import netkit.output.Output.Style;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;
import org.jline.terminal.Terminal.Signal;
import picocli.CommandLine;
import picocli.shell.jline3.PicocliJLineCompleter;

/**
 * {@code netkit} without a command on a terminal (SPEC §9): a {@code netkit> } prompt with tab
 * completion of commands, options and interface names, persistent history in
 * {@code ~/.netkit_history} (sessions run inside it keep theirs beside it, see {@link HistoryFiles}),
 * {@code help} and {@code exit}/Ctrl-D. Every command runs through the
 * same command-line factory as {@code main}, so output and exit codes are the same; a failing
 * command prints its one line and the shell goes on; Ctrl-C stops a running command.
 */
public final class Shell {
    static final String PROMPT = "netkit> ";

    private final Terminal terminal;
    private final Stdio stdio;
    private final Function<Stdio, CommandLine> commandLines;
    private final boolean color;
    private final Path history;

    /**
     * @param terminal     the terminal the shell reads and that sessions inside it share
     * @param stdio        the process streams; commands get the terminal's input as their stdin
     * @param commandLines the factory {@code main} uses ({@code Netkit::commandLine})
     * @param history      the history file, or null for none; sessions keep theirs beside it
     */
    public Shell(
            Terminal terminal, Stdio stdio, Function<Stdio, CommandLine> commandLines, boolean color, Path history) {
        this.terminal = terminal;
        this.stdio = stdio;
        this.commandLines = commandLines;
        this.color = color;
        this.history = history;
    }

    /** Opens the system terminal and runs the shell on it; returns the exit code for {@code netkit}. */
    public static int runOnSystemTerminal(Stdio stdio, Function<Stdio, CommandLine> commandLines, boolean color) {
        Path home = HistoryFiles.home(stdio.env());
        Path history = home == null ? null : home.resolve(HistoryFiles.SHELL);
        try (Terminal terminal = Terminals.openSystem()) {
            return new Shell(terminal, stdio, commandLines, color, history).run();
        } catch (IOException e) {
            return ExitCode.OK.code;
        }
    }

    /** Reads and runs commands until {@code exit} or Ctrl-D; returns 0. */
    public int run() {
        CommandLine model = commandLines.apply(stdio);
        LineReader reader = HistoryFiles.use(LineReaderBuilder.builder(), history)
                .terminal(terminal)
                .appName("netkit")
                .completer(new NetkitCompleter(model))
                .parser(new DefaultParser())
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .option(LineReader.Option.AUTO_FRESH_LINE, true)
                .build();
        PrintStream err = stdio.err();
        err.println(note("netkit " + version(model)
                + " shell: 'help' lists the commands, Tab completes, 'exit' or Ctrl-D leaves."));
        Terminals.share(terminal, HistoryFiles.sessionsBeside(history));
        Interactive.shellRunning = true;
        try {
            while (true) {
                String line;
                try {
                    line = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C at the prompt drops the line, as in a shell
                } catch (EndOfFileException e) {
                    return ExitCode.OK.code;
                }
                List<String> words = new ArrayList<>(reader.getParsedLine().words());
                words.removeIf(String::isEmpty);
                if (!words.isEmpty() && words.get(0).equals("netkit")) {
                    words.remove(0); // "netkit tcp-connect …" pasted from a script works too
                }
                if (words.isEmpty()) {
                    continue;
                }
                String first = words.get(0);
                if (first.equals("exit") || first.equals("quit")) {
                    return ExitCode.OK.code;
                }
                if (first.equals("help")) {
                    words.remove(0); // "help" is the root's usage, "help CMD" is CMD --help
                    words.add("--help");
                }
                int status = execute(words.toArray(String[]::new));
                if (status != 0) {
                    err.println(note("exit " + status));
                }
            }
        } finally {
            Terminals.unshare();
            Interactive.shellRunning = false;
            HistoryFiles.save(reader);
        }
    }

    /**
     * Runs one command on this thread with a fresh command line (picocli keeps option state), the
     * terminal's lines as stdin (Ctrl-D ends them), and Ctrl-C interrupting it.
     */
    int execute(String[] args) {
        LineInput input = new LineInput(terminal);
        Stdio inner = new Stdio(input, stdio.out(), stdio.err(), true, true, stdio.stderrIsTerminal(), stdio.env());
        Thread self = Thread.currentThread();
        Terminal.SignalHandler previous = terminal.handle(Signal.INT, s -> self.interrupt());
        try {
            return commandLines.apply(inner).execute(args);
        } finally {
            input.shutdown(); // a stdin pump the command left behind must not read the next prompt's keys
            terminal.handle(Signal.INT, previous);
            Thread.interrupted();
            stdio.err().flush();
        }
    }

    private String note(String text) {
        return color ? Style.DIM.apply(text) : text;
    }

    private static String version(CommandLine model) {
        String[] v = model.getCommandSpec().version();
        if (v.length > 0 && v[0].startsWith("netkit ")) {
            return v[0].substring("netkit ".length());
        }
        try {
            String[] provided = model.getCommandSpec().versionProvider().getVersion();
            return provided.length > 0 ? provided[0].replace("netkit ", "") : "";
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * Commands and options from the picocli model, the shell's own words, and interface names
     * after {@code --interface}.
     */
    static final class NetkitCompleter implements Completer {
        private final PicocliJLineCompleter picocli;

        NetkitCompleter(CommandLine model) {
            this.picocli = new PicocliJLineCompleter(model.getCommandSpec());
        }

        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            List<String> words = line.words();
            int index = line.wordIndex();
            String current = line.word();
            if (index > 0 && words.get(index - 1).equals("--interface")) {
                for (String name : interfaceNames()) {
                    candidates.add(new Candidate(name));
                }
                return;
            }
            if (current.startsWith("--interface=")) {
                for (String name : interfaceNames()) {
                    candidates.add(new Candidate("--interface=" + name));
                }
                return;
            }
            if (index == 0) {
                for (String word : List.of("help", "exit")) {
                    candidates.add(new Candidate(word));
                }
            }
            picocli.complete(reader, line, candidates);
        }

        static List<String> interfaceNames() {
            List<String> names = new ArrayList<>();
            try {
                NetworkInterface.networkInterfaces().forEach(i -> names.add(i.getName()));
            } catch (SocketException e) {
                // no completion then
            }
            names.sort(null);
            return names;
        }
    }
}
