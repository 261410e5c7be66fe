package netkit.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.Stdio;
import netkit.output.Output;
import netkit.repl.Interactive;
import netkit.repl.Shell;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command {@code netkit}; {@link #commandLine} is the one factory for main, tests and the shell. */
@Command(
        name = "netkit",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        scope = CommandLine.ScopeType.INHERIT,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "An nc-like network toolkit: TCP and UDP relays, servers, port checks, chat, broadcast and multicast.",
            "",
            "Payload goes to stdout byte for byte; diagnostics go to stderr, one line each, prefixed 'netkit: '."
        },
        footerHeading = "%nExit codes:%n",
        footer = {
            "  0   success (isip: every input valid; scans: at least one port open)",
            "  1   other network or I/O failure; isip: some input invalid; scan: no port open",
            "  2   usage error (unknown option, bad value, bad combination)",
            "  3   connection refused",
            "  4   timeout (connect, idle, accept or reply wait)",
            "  5   host name could not be resolved",
            "  6   cannot bind or join (in use, permission denied, not available,",
            "      no such interface)",
            "  130 interrupted (Ctrl-C)"
        })
public final class Netkit implements Callable<Integer> {
    /**
     * Every subcommand, in the order {@code --help} lists them. <b>Register a new command here (one line)</b>,
     * not in {@code @Command(subcommands)}: {@link #commandLine(Stdio, String[])} then builds only the model of
     * the command being run, which is most of a cold start.
     */
    static final List<Class<? extends BaseCommand>> COMMANDS = List.of(
            IsipCommand.class,
            TcpConnectCommand.class,
            TcpListenCommand.class,
            UdpSendCommand.class,
            UdpListenCommand.class,
            BroadcastCommand.class,
            MulticastJoinCommand.class);

    private final Stdio stdio;

    @Mixin
    GlobalOptions global = new GlobalOptions();

    @Spec
    CommandSpec spec;

    private Output output;

    public Netkit(Stdio stdio) {
        this.stdio = stdio;
    }

    public Stdio stdio() {
        return stdio;
    }

    public GlobalOptions global() {
        return global;
    }

    /** The output for this invocation, built from the global options once they are parsed. */
    public synchronized Output output() {
        if (output == null) {
            output = new Output(stdio.err(), stdio.out(), global.json, global.verbosity(),
                    global.color(stdio), global.stacktrace);
        }
        return output;
    }

    @Override
    public Integer call() {
        // No command: the shell on a terminal (SPEC §9), else usage on stderr and exit 2 (SPEC §1).
        // Shell is only touched here, so JLine is never loaded when a command is given.
        if (stdio.stdinIsTerminal() && stdio.stdoutIsTerminal() && !Interactive.insideShell()) {
            return Shell.runOnSystemTerminal(stdio, Netkit::commandLine, global.color(stdio));
        }
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code;
    }

    /**
     * Start-up fast path for what shell loops repeat: {@code isip ADDRESS...} (or {@code isip} reading stdin)
     * with no option at all, {@code tcp-connect -z HOST PORTS} (a port check), and {@code -V}. It runs the
     * command without building any picocli model: a cold JVM spends ~20 ms
     * on its first annotation read and ~5 ms on each further annotation type, more than the command itself.
     * Returns null for anything else (options, {@code @files}, other commands), which {@link #commandLine}
     * handles; results and errors are the same either way ({@code FastPathTest}).
     */
    public static Integer runFast(Stdio stdio, String[] args) {
        if (args.length == 1 && (args[0].equals("-V") || args[0].equals("--version"))) {
            StringBuilder text = new StringBuilder();
            for (String line : new Version().getVersion()) {
                text.append(line).append('\n');
            }
            try {
                stdio.out().write(text.toString().getBytes(StandardCharsets.UTF_8));
                stdio.out().flush();
            } catch (java.io.IOException e) {
                NetkitException failure = NetkitException.output(e, "stdout");
                if (!failure.quiet()) {
                    new Output(stdio.err(), stdio.out(), false, 0, false, false).error(failure);
                }
                return failure.exitCode().code;
            }
            return ExitCode.OK.code;
        }
        if (args.length == 4 && args[0].equals("tcp-connect") && (args[1].equals("-z") || args[1].equals("--scan"))
                && plain(args, 2)) {
            TcpConnectCommand check = new TcpConnectCommand();
            check.scan = true;
            check.host = args[2];
            check.port = args[3];
            return runPlain(stdio, check);
        }
        if (args.length == 0 || !args[0].equals("isip") || !plain(args, 1)) {
            return null;
        }
        IsipCommand isip = new IsipCommand();
        isip.addresses = List.of(args).subList(1, args.length);
        return runPlain(stdio, isip);
    }

    /** Whether args from index {@code from} on are plain values: no option, no {@code @file}. */
    private static boolean plain(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            if (args[i].startsWith("-") || args[i].startsWith("@")) {
                return false;
            }
        }
        return true;
    }

    /** Runs a command whose fields are set, with the default global options and the usual error mapping. */
    private static Integer runPlain(Stdio stdio, BaseCommand command) {
        Netkit root = new Netkit(stdio);
        command.root = root;
        try {
            return command.run().code;
        } catch (Exception e) {
            NetkitException failure = NetkitException.from(e, "");
            if (!failure.quiet()) {
                root.output().error(failure);
            }
            return failure.exitCode().code;
        }
    }

    /** Builds the command line with every subcommand: for tests, the shell and the generated docs. */
    public static CommandLine commandLine(Stdio stdio) {
        return build(stdio, COMMANDS);
    }

    /**
     * Builds the command line for one run of {@code args}: when they name a subcommand, only that one's model
     * is built (start-up time); otherwise (help, no command, an unknown one) every subcommand is.
     */
    public static CommandLine commandLine(Stdio stdio, String[] args) {
        Class<? extends BaseCommand> invoked = invoked(args);
        return build(stdio, invoked == null ? COMMANDS : List.of(invoked));
    }

    /** The subcommand the first non-option argument names, or null. */
    static Class<? extends BaseCommand> invoked(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return null;
            }
            if (a.startsWith("-")) {
                continue;
            }
            for (Class<? extends BaseCommand> c : COMMANDS) {
                Command command = c.getAnnotation(Command.class);
                if (command.name().equals(a) || List.of(command.aliases()).contains(a)) {
                    return c;
                }
            }
            return null;
        }
        return null;
    }

    private static CommandLine build(Stdio stdio, List<Class<? extends BaseCommand>> commands) {
        Netkit root = new Netkit(stdio);
        CommandLine cl = new CommandLine(root);
        for (Class<? extends BaseCommand> c : commands) {
            cl.addSubcommand(c);
        }
        cl.setOut(new PrintWriter(stdio.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(stdio.err(), true, StandardCharsets.UTF_8));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(new ErrorHandlers.Usage(root));
        cl.setExecutionExceptionHandler(new ErrorHandlers.Execution(root));
        cl.setExitCodeExceptionMapper(t -> ExitCode.FAILURE.code);
        return cl;
    }

    /** Raises the usage error for a bad combination of options. */
    static NetkitException badCombination(String message) {
        return NetkitException.usage(message);
    }
}
