package netkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netkit.ExitCode;
import netkit.NetkitException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.MutuallyExclusiveArgsException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/** Turns every failure into one {@code netkit: } line (or a JSON error) and its exit code. */
final class ErrorHandlers {
    private ErrorHandlers() {}

    /** Usage errors: exit 2 with a message naming the option and quoting the value. */
    static final class Usage implements IParameterExceptionHandler {
        private final Netkit root;

        Usage(Netkit root) {
            this.root = root;
        }

        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            NetkitException e = ex.getCause() instanceof NetkitException n
                    ? n
                    : NetkitException.usage(message(ex) + hint(ex, args));
            root.output().error(e);
            return ExitCode.USAGE.code;
        }

        /**
         * What to type instead: picocli's "did you mean" for a mistyped command or option, and for nc habits
         * ({@code netkit -l 8080}, {@code netkit -z host 80}, {@code netkit HOST PORT}) the netkit command.
         */
        static String hint(ParameterException ex, String[] args) {
            if (!(ex instanceof UnmatchedArgumentException u)
                    || u.getUnmatched().isEmpty()) {
                return "";
            }
            String word = u.getUnmatched().get(0);
            boolean atRoot = ex.getCommandLine().getCommandSpec().parent() == null;
            if (atRoot) {
                String nc = ncHabit(args);
                if (nc != null) {
                    return "; with netkit that is: " + nc;
                }
            }
            List<String> suggestions = new ArrayList<>();
            for (String s : u.getSuggestions()) {
                if (close(word.replaceFirst("=.*", ""), s)) {
                    suggestions.add(s);
                }
            }
            if (!suggestions.isEmpty()) {
                return "; did you mean " + String.join(" or ", suggestions.subList(0, Math.min(2, suggestions.size())))
                        + "?";
            }
            return "";
        }

        /** Whether {@code typed} is a slip of {@code known}: at most 2 edits, and fewer than a third of it. */
        static boolean close(String typed, String known) {
            int[] prev = new int[known.length() + 1];
            for (int j = 0; j <= known.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= typed.length(); i++) {
                int[] cur = new int[known.length() + 1];
                cur[0] = i;
                for (int j = 1; j <= known.length(); j++) {
                    int cost = typed.charAt(i - 1) == known.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                prev = cur;
            }
            int d = prev[known.length()];
            return d <= 2 && d * 3 < known.length();
        }

        /** The netkit command for an nc command line given to netkit itself, or null. */
        static String ncHabit(String[] args) {
            List<String> options = new ArrayList<>();
            List<String> words = new ArrayList<>();
            for (String a : args) {
                (a.startsWith("-") ? options : words).add(a);
            }
            boolean udp = options.contains("-u") || options.contains("-lu") || options.contains("-ul");
            String rest = String.join(" ", words);
            if (options.contains("-l")
                    || options.contains("-lu")
                    || options.contains("-ul")
                    || options.contains("-lk")
                    || options.contains("-kl")) {
                return "netkit " + (udp ? "udp-listen " : "tcp-listen ") + (rest.isEmpty() ? "PORT" : rest);
            }
            if (options.contains("-z") || options.contains("-zv") || options.contains("-vz")) {
                return "netkit tcp-connect -z " + (rest.isEmpty() ? "HOST PORTS" : rest);
            }
            if (words.size() >= 2
                    && words.get(words.size() - 1).matches("\\d{1,5}([-,]\\d{1,5})*")
                    && words.size() == 2) {
                return "netkit " + (udp ? "udp-send " : "tcp-connect ") + rest;
            }
            return null;
        }

        static String message(ParameterException ex) {
            ArgSpec arg = ex.getArgSpec();
            Throwable cause = ex.getCause();
            if (arg != null && cause instanceof TypeConversionException tce) {
                return "invalid value for " + name(arg) + ": " + quoted(ex.getValue(), tce.getMessage(), arg);
            }
            if (ex instanceof MutuallyExclusiveArgsException) {
                Matcher m = EXCLUSIVE.matcher(String.valueOf(ex.getMessage()));
                if (m.matches()) {
                    List<String> names = new ArrayList<>();
                    for (String n : m.group(1).split(", ")) {
                        names.add(n.replaceFirst("=.*", ""));
                    }
                    boolean modes = names.stream().allMatch(n -> ServerMode.named(n) != null);
                    return String.join(" and ", names) + " cannot be combined ("
                            + (modes ? "one server mode at most" : "one of them at most") + ")";
                }
            }
            if (ex instanceof UnmatchedArgumentException u
                    && !u.getUnmatched().isEmpty()
                    && !u.getUnmatched().get(0).startsWith("-")
                    && ex.getCommandLine().getCommandSpec().parent() == null
                    && !ex.getCommandLine().getSubcommands().isEmpty()) {
                return "unknown command: '" + u.getUnmatched().get(0) + "' (see netkit --help)";
            }
            String m = ex.getMessage();
            if (m == null || m.isEmpty()) {
                return "usage error";
            }
            // picocli capitalises its messages; ours are lower-case one-liners.
            return Character.toLowerCase(m.charAt(0)) + m.substring(1);
        }

        /**
         * The converter's message in our form {@code 'VALUE' (expected ...)}. Ours already are; picocli's
         * built-in ones ({@code 'x' is not an int}, {@code expected one of [a, b] but was 'x'}) are rewritten.
         */
        static String quoted(String value, String message, ArgSpec arg) {
            if (message != null && message.startsWith("'")) {
                Matcher m = NOT_A.matcher(message);
                return m.matches() ? "'" + m.group(1) + "' (expected " + m.group(2) + ")" : message;
            }
            Class<?> type = arg.type();
            if (type != null && type.isEnum()) {
                StringBuilder names = new StringBuilder();
                for (Object c : type.getEnumConstants()) {
                    names.append(names.length() == 0 ? "" : ", ")
                            .append(c.toString().toLowerCase(Locale.ROOT));
                }
                return "'" + value + "' (expected one of " + names + ")";
            }
            return "'" + value + "' (" + message + ")";
        }

        private static final Pattern EXCLUSIVE =
                Pattern.compile("Error: (.*) are mutually exclusive \\(specify only one\\)");
        private static final Pattern NOT_A = Pattern.compile("'(.*)' is not (an? .+)", Pattern.DOTALL);

        static String name(ArgSpec arg) {
            if (arg instanceof OptionSpec o) {
                return o.longestName();
            }
            if (arg instanceof PositionalParamSpec p) {
                return p.paramLabel();
            }
            return arg.paramLabel();
        }
    }

    /** Failures while running: mapped through {@link NetkitException#from} to the exit-code table. */
    static final class Execution implements IExecutionExceptionHandler {
        private final Netkit root;

        Execution(Netkit root) {
            this.root = root;
        }

        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
            NetkitException e = NetkitException.from(ex, "");
            if (!e.quiet()) {
                root.output().error(e);
            }
            return e.exitCode().code;
        }
    }
}
