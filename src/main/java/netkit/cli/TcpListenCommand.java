package netkit.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.chat.ChatOptions;
import netkit.engine.chat.ChatRoom;
import netkit.engine.chat.RoomEvents;
import netkit.engine.stream.TransportLayer;
import netkit.engine.tcp.AccessRules;
import netkit.engine.tcp.BrokerHandler;
import netkit.engine.tcp.ChatHandler;
import netkit.engine.tcp.ConnectionHandler;
import netkit.engine.tcp.Connector;
import netkit.engine.tcp.EchoHandler;
import netkit.engine.tcp.ExecHandler;
import netkit.engine.tcp.Family;
import netkit.engine.tcp.ListenOptions;
import netkit.engine.tcp.Listener;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.RelayHandler;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.TcpEvents;
import netkit.net.Cidr;
import netkit.repl.Interactive;
import netkit.repl.TcpListenSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit tcp-listen [ADDRESS] PORT}: a TCP server, relay mode by default (SPEC §3). */
@Command(
        name = "tcp-listen",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Listen on PORT (every interface, IPv6 and IPv4, unless ADDRESS, -4 or -6 say otherwise) and serve "
                    + "clients. Default relay mode: what clients send goes to stdout (merged in arrival order), "
                    + "stdin goes to every connected client.",
            "",
            "Without -k, one client is served (no second one is accepted meanwhile) and netkit exits when it ends. "
                    + "PORT 0 binds a free port; '-v' reports the real one before anything is accepted.",
            "",
            "Server modes instead of the relay (one at most): --echo, --broker, --chat, -e/--exec, --sh-exec. "
                    + "--echo, --broker and --chat serve any number of clients (as with -k).",
            "",
            "Exit 6 when the address cannot be bound, 4 on accept timeout or (one client) idle timeout."
        })
public final class TcpListenCommand extends BaseCommand {
    @Parameters(arity = "1..2", paramLabel = "[ADDRESS] PORT", hideParamSyntax = true,
            description = "Optional local ADDRESS to bind (default: every interface), then PORT (0-65535, 0 = any free port).")
    List<String> operands;

    @Option(names = "-4", description = "IPv4 only (binds 0.0.0.0 by default).")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only: binds [::] with IPV6_V6ONLY by default, so IPv4 clients are refused.")
    boolean ipv6;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "511", converter = Converters.PositiveIntConverter.class,
            description = "Listen backlog: connections the kernel queues before they are accepted. Default: ${DEFAULT-VALUE} (Node's).")
    int backlog;

    @Option(names = {"-k", "--keep-open"},
            description = "Serve any number of clients, one after another and at the same time. Without it, "
                    + "serve one and exit when it ends.")
    boolean keepOpen;

    @Option(names = {"-m", "--max-conns"}, paramLabel = "N", converter = Converters.PositiveIntConverter.class,
            description = "At most N clients at once (Node maxConnections); the next one is closed at once and "
                    + "logged with -v as rejected. A client that leaves or dies frees its slot at once. "
                    + "With --chat it gets a 'server full' line first. Default: no limit.")
    Integer maxConns;

    @Option(names = {"-c", "--count"}, paramLabel = "N", converter = Converters.PositiveIntConverter.class,
            description = "Accept N connections in total, then stop listening; exit 0 when they have all ended "
                    + "(Node server.close() after N). Rejected clients do not count.")
    Integer count;

    @Option(names = "--accept-timeout", paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Exit 4 when no client connected within DUR of listening (applies to the first client). "
                    + "0 = wait for ever (default).")
    Duration acceptTimeout;

    @Option(names = "--allow", paramLabel = "CIDR", split = ",", converter = Converters.CidrConverter.class,
            description = "Accept only clients in these blocks (e.g. 127.0.0.0/8,::1); repeatable. Once any "
                    + "--allow is given, every other client is denied. IPv4-mapped IPv6 clients match IPv4 rules.")
    List<Cidr> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "CIDR", split = ",", converter = Converters.CidrConverter.class,
            description = "Close clients in these blocks at once; repeatable. Deny wins over --allow. "
                    + "Every rejection is logged with -v.")
    List<Cidr> deny = new ArrayList<>();

    @Option(names = "--echo", description = "Echo server: each client gets back exactly what it sends. Stdin is not read.")
    boolean echo;

    @Option(names = "--broker",
            description = "Relay every client's bytes to every other client (not back to the sender); stdin goes "
                    + "to all. Stdin's end does not close anything. Nothing is written to stdout.")
    boolean broker;

    @Option(names = "--chat",
            description = "Chat room: clients choose a nickname and talk line by line (/nick, /msg, /list, "
                    + "/help, /quit); the console takes part as 'server' (stdin lines are broadcast) and stdout "
                    + "shows all traffic. Byte-stream options (-i, -q, -C, -o, -x, --stdin-eof, --send-only, …) "
                    + "do not apply to the room and are a usage error with it.")
    boolean chat;

    @Option(names = {"-e", "--exec"}, paramLabel = "CMD",
            description = "Per connection, run CMD (split at spaces, no shell) with its stdin and stdout joined to "
                    + "the socket and its stderr on ours. When the client half-closes, CMD's stdin gets EOF and "
                    + "everything CMD still writes reaches the client before the socket closes; when CMD exits, "
                    + "the connection closes. Env: NETKIT_REMOTE_ADDR, NETKIT_REMOTE_PORT, NETKIT_LOCAL_ADDR, "
                    + "NETKIT_LOCAL_PORT.")
    String exec;

    @Option(names = "--sh-exec", paramLabel = "CMD",
            description = "As --exec, but CMD runs through /bin/sh -c (quoting, pipes, redirections).")
    String shExec;

    @Mixin
    TcpSessionOptions session = new TcpSessionOptions();

    @Mixin
    TlsListenOptions tls = new TlsListenOptions();

    @Override
    protected ExitCode run() {
        String mode = mode();
        if (mode.equals("chat")) {
            // The room speaks lines with each client itself: byte-stream options would silently do nothing.
            for (OptionSpec given : spec.commandLine().getParseResult().matchedOptions()) {
                if (NOT_IN_CHAT.contains(given.longestName())) {
                    throw NetkitException.usage(String.join("/", given.names()) + " cannot be combined with --chat");
                }
            }
        }
        Family family = TcpCommands.family(ipv4, ipv6);
        String address = operands.size() == 2 ? operands.get(0) : null;
        int port = TcpCommands.port(operands.get(operands.size() - 1), 0);
        InetAddress bindAddress = address == null ? null : Connector.resolve(address, family).get(0);
        boolean many = keepOpen || !mode.equals("relay") && !mode.equals("exec") || count != null && count > 1;
        // Stdin is shared by all clients of a listener that serves many: a client's FIN ends its session by default.
        SessionOptions options = session.sessionOptions(stdio(), !stdio().stdinIsTerminal() && !many);
        int limit = maxConns == null ? 0 : maxConns;
        ListenOptions listen = new ListenOptions(bindAddress, port, family, backlog, many,
                limit, count == null ? 0 : count, TcpListenCommand.orNull(acceptTimeout),
                new AccessRules(List.copyOf(allow), List.copyOf(deny)), session.tuning());
        TcpEventPrinter events = new TcpEventPrinter(output(), many);
        TcpCommands.requireTls(tls.tls, spec, TlsListenOptions.NAMES);
        TransportLayer layer = tls.tls ? TlsSetup.server(tls, address, output()) : TransportLayer.NONE;
        // The session REPL is the console of relay mode and of the chat room (the other modes do not read stdin).
        boolean interactive = (mode.equals("relay") || mode.equals("chat") && !session.recvOnly)
                && Interactive.wanted(session.interactive, stdio());
        if (interactive) {
            session.progress = null; // a progress line would garble the line being typed: /stats instead
        }
        try (RelayIo io = new RelayIo(session, stdio(), output())) {
            if (interactive && mode.equals("chat")) {
                TcpListenSession repl = new TcpListenSession(io.totals(), null);
                try (Listener listener = Listener.bind(listen, layer, repl, io.totals())) {
                    Outcome outcome = repl.runConsole(listener, (console, log) -> chatHandler(limit, repl, console, log),
                            TcpCommands.replOptions(session, output()));
                    return TcpCommands.exitCode(outcome, options.idleTimeout());
                }
            }
            if (interactive) {
                TcpListenSession repl = new TcpListenSession(io.totals(), TcpCommands.replCopy(session, io));
                try (Listener listener = Listener.bind(listen, layer, repl, io.totals())) {
                    Outcome outcome = repl.run(listener, options, TcpCommands.replTap(session, io),
                            TcpCommands.replOptions(session, output()));
                    return TcpCommands.exitCode(outcome, options.idleTimeout());
                }
            }
            Listener listener = Listener.bind(listen, layer, events, io.totals());
            try (listener) {
                Outcome outcome = listener.serve(handler(mode, options, io, events, limit));
                return TcpCommands.exitCode(outcome, options.idleTimeout());
            }
        }
    }

    /** Session options of the byte relay that the chat room does not use. */
    private static final Set<String> NOT_IN_CHAT = Set.of("--idle-timeout", "--quit-after", "--stdin-eof",
            "--allow-half-open", "--send-only", "--crlf", "--output", "--append", "--hexdump", "--progress");

    /** The server mode: relay unless one of the mutually exclusive modes is given. */
    private String mode() {
        List<String> given = new ArrayList<>();
        if (echo) {
            given.add("--echo");
        }
        if (broker) {
            given.add("--broker");
        }
        if (chat) {
            given.add("--chat");
        }
        if (exec != null) {
            given.add("--exec");
        }
        if (shExec != null) {
            given.add("--sh-exec");
        }
        if (given.size() > 1) {
            throw NetkitException.usage(String.join(" and ", given) + " cannot be combined (one server mode at most)");
        }
        if (given.isEmpty()) {
            return "relay";
        }
        return switch (given.get(0)) {
            case "--echo" -> "echo";
            case "--broker" -> "broker";
            case "--chat" -> "chat";
            default -> "exec";
        };
    }

    private ConnectionHandler handler(String mode, SessionOptions options, RelayIo io, TcpEventPrinter events, int limit) {
        return switch (mode) {
            case "echo" -> new EchoHandler(options, io.tap());
            case "broker" -> new BrokerHandler(stdio().inChannel(), options, io.tap(), events);
            case "exec" -> new ExecHandler(execArgv(), stdio().err(), io.tap(), options.idleTimeout());
            case "chat" -> chatHandler(limit, events, consoleInput(), stdio().out());
            default -> new RelayHandler(stdio().inChannel(), options, io.sink(), io.tap(), events,
                    !keepOpen && (count == null || count == 1));
        };
    }

    /** The chat room: {@code console} is the server user's input (may be null), {@code log} gets all traffic. */
    private static ConnectionHandler chatHandler(int limit, TcpEvents events, InputStream console, OutputStream log) {
        return new ChatHandler(new ChatRoom(ChatOptions.defaults().withMaxConnections(limit), log,
                new RoomEvents() {
                    @Override
                    public void failed(String where, Throwable error) {
                        events.warning("chat " + where + ": " + error);
                    }
                }), console, events);
    }

    private InputStream consoleInput() {
        return session.recvOnly ? null : stdio().in();
    }

    private List<String> execArgv() {
        if (shExec != null) {
            return List.of("/bin/sh", "-c", shExec);
        }
        List<String> argv = Arrays.stream(exec.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
        if (argv.isEmpty()) {
            throw NetkitException.invalidValue("--exec", exec, "expected a command");
        }
        return argv;
    }

    static Duration orNull(Duration d) {
        return d == null || d.isZero() ? null : d;
    }
}
