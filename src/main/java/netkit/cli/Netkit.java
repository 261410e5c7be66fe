package netkit.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.Stdio;
import netkit.engine.tls.TlsWarmUp;
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
            "An nc-like network toolkit: TCP, TLS, Unix-socket and UDP relays, servers, forwarding, SOCKS/HTTP proxies, "
                    + "port checks, chat, broadcast and multicast.",
            "",
            "Payload goes to stdout byte for byte; diagnostics go to stderr, one line each, prefixed 'netkit: '."
        },
        footerHeading = "%nExit codes:%n")
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
            output = new Output(
                    stdio.err(), stdio.out(), global.json, global.verbosity(), global.color(stdio), global.stacktrace);
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
     * Start-up fast path for what shell loops repeat, the invocations of the {@link FastPath} spec (the resource
     * {@code netkit/fast-paths}: {@code isip ADDRESS...}, {@code tcp-connect -z HOST PORTS}, {@code -V}). It runs the
     * command without building any picocli model: a cold JVM spends ~20 ms
     * on its first annotation read and ~5 ms on each further annotation type, more than the command itself.
     * Returns null for anything else (options, {@code @files}, other commands), which {@link #commandLine}
     * handles; results and errors are the same either way ({@code FastPathTest}).
     */
    public static Integer runFast(Stdio stdio, String[] args) {
        List<String> pattern = FastPath.match(args);
        if (pattern == null) {
            return null;
        }
        switch (pattern.get(0)) {
            case "-V", "--version" -> {
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
            case "tcp-connect" -> {
                TcpConnectCommand check = new TcpConnectCommand();
                check.scan = true;
                check.host = args[2];
                check.port = args[3];
                return runPlain(stdio, check);
            }
            case "isip" -> {
                IsipCommand isip = new IsipCommand();
                isip.addresses = List.of(args).subList(1, args.length);
                return runPlain(stdio, isip);
            }
            default -> throw new IllegalStateException("fast path without a runner: " + pattern);
        }
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
        if (wantsTls(args)) {
            // JSSE's start-up overlaps building and parsing the option model; a hint only, the options decide
            TlsWarmUp.start(invoked == TcpConnectCommand.class && !given(args, "--insecure") && !given(args, "--pin"));
        }
        return build(stdio, invoked == null ? COMMANDS : List.of(invoked));
    }

    /** Whether {@code args} ask for TLS ({@code --tls}, {@code --forward-tls}). */
    static boolean wantsTls(String[] args) {
        return given(args, "--tls") || given(args, "--forward-tls");
    }

    /** Whether the long option {@code name} is among {@code args} (alone or as {@code name=VALUE}) before any {@code --}. */
    private static boolean given(String[] args, String name) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals(name) || a.startsWith(name + "=")) {
                return true;
            }
        }
        return false;
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
        // the exit-code table has one home (ExitCode)
        String[] exitCodes = ExitCode.helpFooter(78);
        cl.getCommandSpec().usageMessage().footer(exitCodes);
        for (Class<? extends BaseCommand> c : commands) {
            cl.addSubcommand(c);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            // picocli applies @Command(modelTransformer) only to commands it constructs itself, not to added ones
            if (sub.getCommandSpec().modelTransformer() != null) {
                sub.getCommandSpec().modelTransformer().transform(sub.getCommandSpec());
            }
            // a command's footer is its examples; the exit-code table follows them, once
            List<String> footer =
                    new ArrayList<>(List.of(sub.getCommandSpec().usageMessage().footer()));
            footer.add("");
            footer.add("Exit codes:");
            footer.addAll(List.of(exitCodes));
            sub.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
        }
        if (commands == COMMANDS) {
            cl.addSubcommand("help", new CommandLine.HelpCommand()); // netkit help CMD
        }
        cl.setOut(new PrintWriter(stdio.out(), true, StandardCharsets.UTF_8));
        cl.setErr(new PrintWriter(stdio.err(), true, StandardCharsets.UTF_8));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler(new ErrorHandlers.Usage(root));
        cl.setExecutionExceptionHandler(new ErrorHandlers.Execution(root));
        cl.setExitCodeExceptionMapper(t -> ExitCode.FAILURE.code);
        cl.setExecutionStrategy(Netkit::execute);
        return cl;
    }

    /** As picocli's default, except that {@code netkit -h CMD} shows CMD's help, as {@code netkit help CMD} does. */
    private static int execute(CommandLine.ParseResult parsed) {
        if (parsed.isUsageHelpRequested() && parsed.hasSubcommand()) {
            CommandLine sub = parsed.subcommand().commandSpec().commandLine();
            sub.usage(sub.getOut());
            return ExitCode.OK.code;
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** Raises the usage error for a bad combination of options. */
    static NetkitException badCombination(String message) {
        return NetkitException.usage(message);
    }
}
