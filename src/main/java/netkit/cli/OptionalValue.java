package netkit.cli;

import java.util.Map;
import java.util.Stack;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * The one rule for options with an optional value ({@code -r/--wait-reply[=DUR]}, {@code --keepalive[=DELAY]},
 * {@code --progress[=WHEN]}, {@code -x/--hexdump[=FILE]}), as people type them (SPEC §1, strict command lines).
 * An attached value ({@code -r5s}, {@code --wait-reply=5s}) is always the value. A separate next word is
 * the value only when
 * <ul>
 *   <li>it has the value's form (a duration for DUR, one of the words for WHEN) and the command's
 *       arguments are still complete without it: {@code udp-send -r 1s HOST PORT ping} waits 1s,
 *       {@code tcp-connect HOST --keepalive 80} keeps 80 as PORT;
 *   <li>or, for a FILE (any word has a file's form), the arguments would be one too many with it:
 *       {@code tcp-connect -x FILE HOST PORT}.
 * </ul>
 * Otherwise the option takes its fallback value and the word stays an argument — except that a FILE
 * word that would become MESSAGE (the payload) is a usage error naming the option: no word moves
 * into the payload silently.
 */
public final class OptionalValue implements IParameterPreprocessor {
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec argSpec, Map<String, Object> info) {
        if (!" ".equals(info.get("separator")) || !(argSpec instanceof OptionSpec option)) {
            return false; // attached: picocli takes it
        }
        if (args.isEmpty() || args.peek().startsWith("-") && args.peek().length() > 1) {
            args.push(option.fallbackValue());
            return false;
        }
        String next = args.peek();
        Arguments a = Arguments.of(command, args);
        boolean take;
        if (option.type() == String.class) {
            take = a.max != Integer.MAX_VALUE && a.matched + a.after >= a.max;
            if (!take && a.max == Integer.MAX_VALUE && a.matched >= a.min) {
                throw new ParameterException(
                        command.commandLine(),
                        String.join("/", option.names())
                                + " takes " + option.paramLabel() + " only attached (" + option.longestName() + "="
                                + option.paramLabel() + "): '" + next + "' would be sent as " + a.variadicLabel
                                + "; write " + option.longestName() + "=" + option.paramLabel() + ", or give "
                                + option.shortestName() + " before the arguments");
            }
        } else {
            take = hasForm(option, next) && a.matched + a.after >= a.min;
        }
        if (!take) {
            args.push(option.fallbackValue());
        }
        return false;
    }

    /** Whether {@code word} converts to the option's type (a duration, one of an enum's names). */
    static boolean hasForm(OptionSpec option, String word) {
        Class<?> type = option.type();
        if (type.isEnum()) {
            for (Object c : type.getEnumConstants()) {
                if (((Enum<?>) c).name().equalsIgnoreCase(word)) {
                    return true;
                }
            }
            return false;
        }
        for (ITypeConverter<?> converter : option.converters()) {
            try {
                converter.convert(word);
                return true;
            } catch (Exception e) {
                return false;
            }
        }
        return false;
    }

    /** The command's positional arguments: how many it takes, how many were given so far, how many follow. */
    private record Arguments(int min, int max, int matched, int after, String variadicLabel) {
        static Arguments of(CommandSpec command, Stack<String> args) {
            int min = 0;
            int max = 0;
            int matched = 0;
            String variadic = "ARGUMENTS";
            for (PositionalParamSpec p : command.positionalParameters()) {
                min += p.arity().min();
                if (p.arity().max() == Integer.MAX_VALUE) {
                    max = Integer.MAX_VALUE;
                    variadic = p.paramLabel();
                } else if (max != Integer.MAX_VALUE) {
                    max += p.arity().max();
                }
                matched += p.stringValues().size();
            }
            if (command.userObject() instanceof UnixOrPositionals u && !unixGiven(command, args)) {
                min = Math.max(min, u.positionalsWithoutUnix()); // HOST PORT are optional only for -U PATH
            }
            return new Arguments(min, max, matched, after(command, args), variadic);
        }

        private static boolean unixGiven(CommandSpec command, Stack<String> args) {
            OptionSpec unix = command.findOption("--unix");
            if (unix != null && !unix.stringValues().isEmpty()) {
                return true;
            }
            for (String w : args) {
                if (w.equals("-U")
                        || w.startsWith("-U") && w.length() > 2
                        || w.equals("--unix")
                        || w.startsWith("--unix=")) {
                    return true;
                }
            }
            return false;
        }

        /** Positional words after the top of the stack (the candidate value), skipping options and their values. */
        private static int after(CommandSpec command, Stack<String> args) {
            int n = 0;
            boolean onlyPositionals = false;
            for (int i = args.size() - 2; i >= 0; i--) {
                String w = args.get(i);
                if (onlyPositionals || !w.startsWith("-") || w.equals("-")) {
                    n++;
                } else if (w.equals("--")) {
                    onlyPositionals = true;
                } else {
                    String name = w.startsWith("--") ? w.split("=", 2)[0] : w.substring(0, Math.min(2, w.length()));
                    OptionSpec o = command.findOption(name);
                    boolean attached = w.startsWith("--") ? w.contains("=") : w.length() > 2;
                    if (o != null && o.arity().min() >= 1 && !attached) {
                        i--; // its value
                    }
                }
            }
            return n;
        }
    }

    /**
     * A command whose positionals picocli must treat as optional because {@code -U PATH} replaces them: without
     * {@code -U} this many are still needed, so an optional value never takes one of them.
     */
    interface UnixOrPositionals {
        int positionalsWithoutUnix();
    }
}
