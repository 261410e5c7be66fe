package netkit.cli;

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
            NetkitException e = ex.getCause() instanceof NetkitException n ? n : NetkitException.usage(message(ex));
            root.output().error(e);
            return ExitCode.USAGE.code;
        }

        static String message(ParameterException ex) {
            ArgSpec arg = ex.getArgSpec();
            Throwable cause = ex.getCause();
            if (arg != null && cause instanceof TypeConversionException tce) {
                return "invalid value for " + name(arg) + ": " + quoted(ex.getValue(), tce.getMessage(), arg);
            }
            if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
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
                    names.append(names.length() == 0 ? "" : ", ").append(c);
                }
                return "'" + value + "' (expected one of " + names + ")";
            }
            return "'" + value + "' (" + message + ")";
        }

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
