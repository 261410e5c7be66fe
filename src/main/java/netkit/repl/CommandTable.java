package netkit.repl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import netkit.repl.ReplSession.Feature;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.LineReader;
import org.jline.reader.ParsedLine;

/**
 * The session REPL's {@code /} commands as one table: what each is called, what it needs of the
 * session, what it takes, how it is explained and what it does. Dispatch, {@code /help} and Tab
 * completion all read it, so a command added here is offered, explained and run alike.
 */
final class CommandTable {
    /** What a command takes after its name; Tab completes it where it can. */
    enum Argument {
        NONE(""),
        ON_OFF("on|off"),
        FILE("FILE"),
        ID("ID"),
        GROUP("GROUP");

        final String label;

        Argument(String label) {
            this.label = label;
        }
    }

    /** What a command does with its argument (empty when it takes none); returns how the REPL ends, or null. */
    @FunctionalInterface
    interface Action {
        SessionRepl.End run(String argument) throws IOException;
    }

    /**
     * One command.
     *
     * @param name    the word after {@code /}
     * @param aliases other words that run it (not offered by Tab)
     * @param needs   the session ability it needs, or null when every session has it
     * @param help    its {@code /help} text (a supplier, so it can show the current state)
     */
    record Command(
            String name, List<String> aliases, Feature needs, Argument argument, Supplier<String> help, Action action) {
        String usage() {
            return "/" + name + (argument == Argument.NONE ? "" : " " + argument.label);
        }
    }

    /** What a typed {@code /word} resolves to. */
    sealed interface Lookup {
        record Found(Command command) implements Lookup {}

        /** The word names no command. */
        record Unknown(String word) implements Lookup {}

        /** The command exists but this session lacks what it needs. */
        record NotApplicable(Command command) implements Lookup {}

        /** The command takes an argument and none was given. */
        record MissingArgument(Command command) implements Lookup {}
    }

    private final List<Command> commands;
    private final Set<Feature> features;

    CommandTable(List<Command> commands, Set<Feature> features) {
        this.commands = List.copyOf(commands);
        this.features = Set.copyOf(features);
    }

    /** The command {@code word} (without the {@code /}, any case) names, checked against the session. */
    Lookup find(String word, String argument) {
        String w = word.toLowerCase(Locale.ROOT);
        for (Command c : commands) {
            if (c.name().equals(w) || c.aliases().contains(w)) {
                if (c.needs() != null && !features.contains(c.needs())) {
                    return new Lookup.NotApplicable(c);
                }
                if (c.argument() != Argument.NONE && argument.isEmpty()) {
                    return new Lookup.MissingArgument(c);
                }
                return new Lookup.Found(c);
            }
        }
        return new Lookup.Unknown(w);
    }

    /** The commands this session has, in table order. */
    List<Command> applicable() {
        return commands.stream()
                .filter(c -> c.needs() == null || features.contains(c.needs()))
                .toList();
    }

    /** One {@code /help} line per applicable command: usage, then what it does. */
    List<String> helpLines() {
        List<String> lines = new ArrayList<>();
        for (Command c : applicable()) {
            lines.add(
                    String.format(Locale.ROOT, "  %-18s %s", c.usage(), c.help().get()));
        }
        return lines;
    }

    /** Tab: the applicable command names after {@code /}, then the argument's values (on/off, file names). */
    Completer completer() {
        Completer files = new Completers.FileNameCompleter();
        List<Command> offered = applicable();
        return (LineReader reader, ParsedLine line, List<Candidate> candidates) -> {
            List<String> words = line.words();
            if (line.wordIndex() == 0) {
                if (line.word().startsWith("/")) {
                    offered.forEach(c -> candidates.add(new Candidate("/" + c.name())));
                }
                return;
            }
            if (line.wordIndex() != 1 || !words.get(0).startsWith("/")) {
                return;
            }
            String name = words.get(0).substring(1).toLowerCase(Locale.ROOT);
            for (Command c : offered) {
                if (c.name().equals(name)) {
                    switch (c.argument()) {
                        case ON_OFF -> {
                            candidates.add(new Candidate("on"));
                            candidates.add(new Candidate("off"));
                        }
                        case FILE -> files.complete(reader, line, candidates);
                        default -> {}
                    }
                }
            }
        };
    }
}
