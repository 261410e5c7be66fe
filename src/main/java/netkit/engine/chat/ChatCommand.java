package netkit.engine.chat;

import java.util.Locale;

/** What one line from a member asks for: the line protocol of the room (SPEC §4), as data. */
sealed interface ChatCommand {
    /** A plain line for everyone else ({@code //text} sends {@code /text}). */
    record Say(String text) implements ChatCommand {}

    record Nick(String name) implements ChatCommand {}

    record Msg(String to, String text) implements ChatCommand {}

    record ListUsers() implements ChatCommand {}

    record Help() implements ChatCommand {}

    /** {@code /quit} or the word {@code byebye}. */
    record Quit() implements ChatCommand {}

    /** A command used wrongly, or an unknown one: the text is the error for the sender. */
    record Invalid(String error) implements ChatCommand {}

    /** An empty line: nothing happens. */
    record Nothing() implements ChatCommand {}

    /** Parses a clean line (see {@link ChatText#clean}); total: every line is some command. */
    static ChatCommand parse(String line) {
        if (line.isBlank()) {
            return new Nothing();
        }
        if (line.strip().equalsIgnoreCase("byebye")) {
            return new Quit();
        }
        if (!line.startsWith("/")) {
            return new Say(line);
        }
        if (line.startsWith("//")) {
            return new Say(line.substring(1));
        }
        int space = indexOfBlank(line);
        String word = (space < 0 ? line.substring(1) : line.substring(1, space)).toLowerCase(Locale.ROOT);
        String rest = space < 0 ? "" : line.substring(space + 1).strip();
        return switch (word) {
            case "nick" -> rest.isEmpty() || indexOfBlank(rest) >= 0 ? new Invalid("usage: /nick NEW") : new Nick(rest);
            case "msg", "w" -> {
                int sp = indexOfBlank(rest);
                if (rest.isEmpty() || sp < 0 || rest.substring(sp + 1).isBlank()) {
                    yield new Invalid("usage: /msg NAME TEXT");
                }
                yield new Msg(rest.substring(0, sp), rest.substring(sp + 1).stripLeading());
            }
            case "list", "who" -> new ListUsers();
            case "help", "?" -> new Help();
            case "quit", "exit" -> new Quit();
            default -> new Invalid("unknown command /" + word + " (/help lists the commands; //TEXT sends /TEXT)");
        };
    }

    private static int indexOfBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
                return i;
            }
        }
        return -1;
    }
}
