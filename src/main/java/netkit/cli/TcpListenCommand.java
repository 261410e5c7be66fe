package netkit.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.chat.ChatOptions;
import netkit.engine.chat.ChatRoom;
import netkit.engine.chat.RoomEvents;
import netkit.engine.stream.Resolver;
import netkit.engine.stream.Target;
import netkit.engine.stream.TransportLayer;
import netkit.engine.tcp.AccessRules;
import netkit.engine.tcp.BrokerHandler;
import netkit.engine.tcp.ChatHandler;
import netkit.engine.tcp.ConnectionHandler;
import netkit.engine.tcp.Connector;
import netkit.engine.tcp.EchoHandler;
import netkit.engine.tcp.ExecHandler;
import netkit.engine.tcp.ForwardHandler;
import netkit.engine.tcp.ListenOptions;
import netkit.engine.tcp.Listener;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.OutputGuard;
import netkit.engine.tcp.RelayHandler;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.SocketTuning;
import netkit.engine.tcp.TcpEvents;
import netkit.engine.tcp.Totals;
import netkit.engine.tcp.UnixListen;
import netkit.net.Cidr;
import netkit.net.Family;
import netkit.repl.Interactive;
import netkit.repl.TcpListenSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit tcp-listen [ADDRESS] PORT}: a TCP server, relay mode by default (SPEC §3). */
@Command(
        name = "tcp-listen",
        header = "Listen (TCP/TLS/Unix): relay, echo, chat, exec, forward, proxy",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # one client, its bytes to stdout (nc -l 9000)",
            "  netkit tcp-listen 9000 > received.bin",
            "  # every client, loopback only, into one file (ncat -l -k)",
            "  netkit tcp-listen -k -o all.bin 127.0.0.1 9000",
            "  # a chat room for telnet and nc clients (ncat -l --chat)",
            "  netkit tcp-listen -k --chat 9000",
            "  # a command per client (ncat -l -k --sh-exec)",
            "  netkit tcp-listen -k --sh-exec 'date' 9000",
            "  # an echo server on a free port, which -v names",
            "  netkit tcp-listen --echo -v 127.0.0.1 0",
            "  # TLS in front of a plain local service (stunnel); --forward-tls for TLS to it",
            "  netkit tcp-listen --tls --cert site.pem --key site.key 8443 --forward 127.0.0.1:8080"
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        modelTransformer = ForwardTlsOptions.class,
        description = {
            "Listen on PORT (every interface, IPv6 and IPv4, unless ADDRESS, -4 or -6 say otherwise) and serve "
                    + "clients. Default relay mode: what clients send goes to stdout (merged in arrival order), "
                    + "stdin goes to every connected client.",
            "",
            "-4 binds 0.0.0.0 by default; -6 binds [::] with IPV6_V6ONLY, so IPv4 clients are refused.",
            "",
            "Without -k, one client is served (no second one is accepted meanwhile) and netkit exits when it ends. "
                    + "PORT 0 binds a free port; '-v' reports the real one before anything is accepted.",
            "",
            "Server modes instead of the relay (one at most): --echo, --broker, --chat, -e/--exec, --sh-exec, "
                    + "--proxy, --forward. --echo, --broker, --chat, --proxy and --forward serve any number of clients "
                    + "(as with -k).",
            "",
            "With -U PATH netkit listens on a Unix-domain socket file instead of [ADDRESS] PORT, in every mode.",
            "",
            "Exit 6 when the address cannot be bound, 4 on accept timeout or (one client) idle timeout."
        })
public final class TcpListenCommand extends BaseCommand implements OptionalValue.UnixOrPositionals {
    @Override
    public int positionalsWithoutUnix() {
        return 1; // PORT
    }

    @Parameters(
            arity = "0..2",
            paramLabel = "[ADDRESS] PORT",
            hideParamSyntax = true,
            description = "Optional local ADDRESS to bind (default: every interface), then PORT (0-65535, 0 = any free "
                    + "port). Not with -U.")
    List<String> operands;

    @Mixin
    FamilyOptions families = new FamilyOptions();

    @Option(
            names = "--backlog",
            paramLabel = "N",
            defaultValue = "511",
            converter = Converters.PositiveIntConverter.class,
            description =
                    "Listen backlog: connections the kernel queues before they are accepted. Default: ${DEFAULT-VALUE} (as in Node.js).")
    int backlog;

    @Option(
            names = {"-k", "--keep-open"},
            description = "Serve any number of clients, one after another and at the same time. Without it, "
                    + "serve one and exit when it ends.")
    boolean keepOpen;

    @Option(
            names = {"-m", "--max-conns"},
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "At most N clients at once (Node maxConnections); the next one is closed at once and "
                    + "logged with -v as rejected. A client that leaves or dies frees its slot at once. "
                    + "With --chat it gets a 'server full' line first. Default: no limit, except 100 with "
                    + "-e/--sh-exec (a child each; -v prints the limit). Near the process's descriptor limit "
                    + "(ulimit -n) clients are turned away too, with one warning line per 10 s.")
    Integer maxConns;

    @Option(
            names = {"-c", "--count"},
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "Accept N connections in total, then stop listening; exit 0 when they have all ended "
                    + "(Node server.close() after N). Rejected clients do not count.")
    Integer count;

    @Option(
            names = "--accept-timeout",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "Exit 4 when no client connected within DUR of listening (applies to the first client). "
                    + "0 = wait for ever (default).")
    Duration acceptTimeout;

    @Option(
            names = "--allow",
            paramLabel = "CIDR",
            split = ",",
            converter = Converters.CidrConverter.class,
            description = "Accept only clients in these blocks (e.g. 127.0.0.0/8,::1); repeatable. Once any "
                    + "--allow is given, every other client is denied. IPv4-mapped IPv6 clients match IPv4 rules.")
    List<Cidr> allow = new ArrayList<>();

    @Option(
            names = "--deny",
            paramLabel = "CIDR",
            split = ",",
            converter = Converters.CidrConverter.class,
            description = "Close clients in these blocks at once; repeatable. Deny wins over --allow. "
                    + "Every rejection is logged with -v.")
    List<Cidr> deny = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Modes modes;

    /** The server modes instead of the relay: one at most (the table of what each uses is {@link ServerMode}). */
    static final class Modes {
        @Option(
                names = "--echo",
                description = "Echo server: each client gets back exactly what it sends. Stdin is not read.")
        boolean echo;

        @Option(
                names = "--broker",
                description = "Relay every client's bytes to every other client (not back to the sender); stdin goes "
                        + "to all. Stdin's end does not close anything. Nothing is written to stdout.")
        boolean broker;

        @Option(
                names = "--chat",
                description = "Chat room: clients choose a nickname and talk line by line (/nick, /msg, /list, "
                        + "/help, /quit); the console takes part as 'server' (stdin lines are broadcast) and stdout "
                        + "shows all traffic. Byte-stream options (-i, -q, -C, -o, -x, --stdin-eof, --send-only, …) "
                        + "do not apply to the room and are a usage error with it.")
        boolean chat;

        @Option(
                names = {"-e", "--exec"},
                paramLabel = "CMD",
                description = "Per connection, run CMD (split at spaces, no shell) with its stdin and stdout joined to "
                        + "the socket and its stderr on ours. When the client half-closes, CMD's stdin gets EOF and "
                        + "everything CMD still writes reaches the client before the socket closes; when CMD exits, "
                        + "the connection closes. Env: NETKIT_REMOTE_ADDR, NETKIT_REMOTE_PORT, NETKIT_LOCAL_ADDR, "
                        + "NETKIT_LOCAL_PORT. CMD runs in a process group of its own (setsid): once the client has "
                        + "stopped sending (FIN or gone), a CMD that writes nothing for 5 s gets SIGTERM, its whole "
                        + "group included, and SIGKILL 2 s later; so does what is left of the group when the "
                        + "connection ends, and every child when netkit exits. At most 100 clients at once unless -m. "
                        + "A CMD that cannot be started closes its client; the reason is printed once per distinct "
                        + "failure (with -k).")
        String exec;

        @Option(
                names = "--sh-exec",
                paramLabel = "CMD",
                description = "As --exec, but CMD runs through /bin/sh -c (quoting, pipes, redirections).")
        String shExec;

        @Option(
                names = "--proxy",
                description = "Forward proxy server: each client speaks SOCKS5 (CONNECT; no authentication, or "
                        + "username/password with --proxy-auth), SOCKS4/4a or HTTP (CONNECT, and absolute-form "
                        + "GET/POST/... http:// requests, one per connection), told apart by its first byte. Every "
                        + "client gets its own upstream connection; bytes flow both ways with half-close kept. "
                        + "--allow/--deny filter clients, --proxy-allow/--proxy-deny destinations (checked on the "
                        + "address a name resolves to here). A refusal is sent in the protocol's own words (SOCKS5 "
                        + "'connection not allowed by ruleset', SOCKS4 91, HTTP 403/407/502/504). A request is bounded "
                        + "(16 KiB, 100 header lines) and must arrive within --proxy-timeout. -m, -c, -i apply; -v/--json "
                        + "print one close event per tunnel with its destination and bytes both ways. Listening on "
                        + "anything but loopback without --allow is an open proxy: a warning says so.")
        boolean proxy;

        @Option(
                names = "--forward",
                paramLabel = "TARGET",
                description = "Forwarder: each client gets its own connection to TARGET (HOST:PORT, [IPv6]:PORT or "
                        + "unix:PATH), opened when the client connects, and bytes flow both ways until both sides "
                        + "are done; a FIN from either side is passed on as a FIN (half-close both ways). Serves any "
                        + "number of clients (as with -k; -c 1 for one). When TARGET refuses or times out, only that "
                        + "client is closed, at once, and its close event carries the code (ECONNREFUSED, ETIMEDOUT); "
                        + "the listener goes on. A client that does not read holds back its upstream (nothing is "
                        + "buffered without bound). -i, -m, -c, --allow/--deny, -x (the client's bytes each way), -v "
                        + "and --json apply; -v/--json report one close event per client with both sides' bytes. "
                        + "HOST is resolved per client. Stdin is not read.")
        String forward;
    }

    @Option(
            names = "--proxy-auth",
            paramLabel = "USER:PASS",
            description = "With --proxy: accept only clients that log in as USER with PASS (SOCKS5 username/password, "
                    + "HTTP Proxy-Authorization Basic); SOCKS4, which has no passwords, is then refused.")
    String proxyAuth;

    @Option(
            names = "--proxy-allow",
            paramLabel = "CIDR",
            split = ",",
            converter = Converters.CidrConverter.class,
            description = "With --proxy: connect only to destinations in these blocks; repeatable. Once any is "
                    + "given, every other destination is refused. Names are checked on the addresses they resolve to.")
    List<Cidr> proxyAllow = new ArrayList<>();

    @Option(
            names = "--proxy-deny",
            paramLabel = "CIDR",
            split = ",",
            converter = Converters.CidrConverter.class,
            description = "With --proxy: refuse destinations in these blocks (e.g. 10.0.0.0/8); repeatable. Deny wins "
                    + "over --proxy-allow.")
    List<Cidr> proxyDeny = new ArrayList<>();

    @Option(
            names = "--proxy-timeout",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "With --proxy: a client must have sent its whole request within DUR of connecting, and the "
                    + "connect to its destination is bounded by DUR too. Default: 10s.")
    Duration proxyTimeout;

    @Option(
            names = "--forward-timeout",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "With --forward: give up connecting to TARGET after DUR and close that client (ETIMEDOUT). "
                    + "0 = no limit. Default: 10s.")
    Duration forwardTimeout;

    @Mixin
    UnixListenOptions unixOptions = new UnixListenOptions();

    @Mixin
    TcpSessionOptions session = new TcpSessionOptions();

    @Mixin
    TlsListenOptions tls = new TlsListenOptions();

    /** The upstream's TLS options: {@code --forward-tls}, {@code --forward-cafile}, … ({@link ForwardTlsOptions}). */
    final TlsConnectOptions forwardTls = new TlsConnectOptions();

    @Override
    protected ExitCode run() {
        ServerMode mode = ServerMode.of(spec.commandLine().getParseResult());
        // before anything is bound or opened: -o with --echo must not even truncate FILE
        mode.checkOptions(spec.commandLine().getParseResult());
        ProxyMode.check(this, mode == ServerMode.PROXY);
        if (mode != ServerMode.FORWARD && forwardTimeout != null) {
            throw NetkitException.usage("--forward-timeout needs --forward TARGET");
        }
        if (mode != ServerMode.FORWARD && forwardTls.tls) {
            throw NetkitException.usage("--forward-tls needs --forward TARGET");
        }
        TcpCommands.requireTls(forwardTls.tls, spec, ForwardTlsOptions.NAMES, "--forward-tls");
        List<String> positional = operands == null ? List.of() : operands;
        UnixListen unix =
                unixOptions.unixListen(spec == null ? null : spec.commandLine().getParseResult(), positional);
        if (unix == null && positional.isEmpty()) {
            throw NetkitException.usage("missing [ADDRESS] PORT (or -U/--unix PATH)");
        }
        Family family = families.family();
        AddressPort where = unix != null ? new AddressPort(null, "0") : AddressPort.of(positional);
        String address = where.address();
        int port = Converters.port("PORT", where.port(), 0);
        InetAddress bindAddress =
                address == null ? null : Resolver.all(address, family).get(0);
        boolean many = keepOpen || mode.servesMany() || count != null && count > 1;
        // Stdin is shared by all clients of a listener that serves many: a client's FIN ends its session by default.
        SessionOptions options = session.sessionOptions(stdio(), !stdio().stdinIsTerminal() && !many);
        // every exec client is a child and three pipe ends: bounded by default, as in ncat
        boolean exec = mode == ServerMode.EXEC || mode == ServerMode.SH_EXEC;
        int limit = maxConns != null ? maxConns : exec ? ExecHandler.DEFAULT_MAX_CHILDREN : 0;
        if (exec) {
            output().event(
                            1,
                            "at most " + limit + " clients (and children) at once (-m"
                                    + (maxConns == null ? " default)" : ")"),
                            netkit.output.Json.event("limit").put("maxConnections", limit));
        }
        ListenOptions listen = ListenOptions.builder()
                .address(bindAddress)
                .port(port)
                .family(family)
                .backlog(backlog)
                .keepOpen(many)
                .maxConns(limit)
                .count(count == null ? 0 : count)
                .acceptTimeout(orNull(acceptTimeout))
                .access(new AccessRules(List.copyOf(allow), List.copyOf(deny)))
                .tuning(session.tuning())
                .build();
        TcpEventPrinter events = new TcpEventPrinter(output(), many);
        TcpCommands.requireTls(tls.tls, spec, TlsListenOptions.NAMES);
        TransportLayer layer = tls.tls ? TlsSetup.server(tls, address, output()) : TransportLayer.NONE;
        Connector upstream = mode == ServerMode.FORWARD ? forwardConnector() : null;
        // The session REPL is the console of relay mode and of the chat room (the other modes do not read stdin).
        boolean interactive = mode.hasConsole()
                && !(mode == ServerMode.CHAT && session.recvOnly)
                && Interactive.wanted(session.interactive, stdio());
        try (RelayIo io = new RelayIo(session, stdio(), output(), interactive)) {
            if (interactive && mode == ServerMode.CHAT) {
                TcpListenSession repl = new TcpListenSession(io.totals(), null);
                try (Listener listener = bind(unix, listen, layer, repl, io.totals())) {
                    Outcome outcome = repl.runConsole(
                            listener,
                            (console, log) -> chatHandler(limit, repl, console, log, null),
                            TcpCommands.replOptions(session, output()));
                    return TcpCommands.exitCode(outcome, options.idleTimeout());
                }
            }
            if (interactive) {
                TcpListenSession repl = new TcpListenSession(io.totals(), TcpCommands.replCopy(session, io));
                try (Listener listener = bind(unix, listen, layer, repl, io.totals())) {
                    Outcome outcome = repl.run(
                            listener,
                            options,
                            TcpCommands.replTap(session, io),
                            TcpCommands.replOptions(session, output()));
                    return TcpCommands.exitCode(outcome, options.idleTimeout());
                }
            }
            ProxyMode proxyMode = mode == ServerMode.PROXY ? new ProxyMode(this, events, output()) : null;
            Listener listener = bind(unix, listen, layer, proxyMode != null ? proxyMode.events() : events, io.totals());
            // an output that fails ends the listener (exit 1; a closed pipe: quietly, exit 0), not one client
            OutputGuard output = new OutputGuard(io.sink());
            output.onFailure(listener::close);
            try (listener) {
                Outcome outcome = listener.serve(
                        proxyMode != null
                                ? proxyMode.handler()
                                : handler(mode, options, io, events, limit, output, upstream));
                output.rethrow();
                return TcpCommands.exitCode(outcome, options.idleTimeout());
            }
        }
    }

    /** Binds the TCP listener, or with -U the Unix socket file. */
    private static Listener bind(
            UnixListen unix, ListenOptions listen, TransportLayer layer, TcpEvents events, Totals totals) {
        return unix == null
                ? Listener.bind(listen, layer, events, totals)
                : Listener.bindUnix(unix, listen, layer, events, totals);
    }

    private ConnectionHandler handler(
            ServerMode mode,
            SessionOptions options,
            RelayIo io,
            TcpEventPrinter events,
            int limit,
            OutputGuard output,
            Connector upstream) {
        // with many clients, a command that cannot start is reported once per distinct failure
        TcpEventPrinter failures = keepOpen || count != null && count > 1 ? events : null;
        return switch (mode) {
            case RELAY ->
                new RelayHandler(
                        stdio().inChannel(),
                        options,
                        output,
                        io.tap(),
                        events,
                        !keepOpen && (count == null || count == 1));
            case ECHO -> new EchoHandler(options, io.tap());
            case BROKER -> new BrokerHandler(stdio().inChannel(), options, io.tap(), events);
            case CHAT -> chatHandler(limit, events, consoleInput(), stdio().out(), output);
            case EXEC ->
                new ExecHandler(execArgv(modes.exec), stdio().err(), io.tap(), options.idleTimeout(), failures);
            case SH_EXEC ->
                new ExecHandler(
                        List.of("/bin/sh", "-c", modes.shExec),
                        stdio().err(),
                        io.tap(),
                        options.idleTimeout(),
                        failures);
            case FORWARD -> new ForwardHandler(upstream, options.idleTimeout(), io.tap());
            case PROXY -> throw new IllegalStateException("--proxy has its own handler (ProxyMode)");
        };
    }

    /**
     * How each forwarded client's upstream connection is made; with {@code --forward-tls} TLS is a
     * client layer on it. Built before the listener binds, so a bad {@code --forward-cafile} fails at start-up.
     */
    private Connector forwardConnector() {
        Target target = Target.parse(modes.forward, "--forward");
        Duration timeout = forwardTimeout == null
                ? TcpConnectCommand.DEFAULT_CONNECT_TIMEOUT
                : forwardTimeout.isZero() ? null : forwardTimeout;
        SocketTuning tuning = target instanceof Target.UnixPath ? SocketTuning.NONE : session.tuning();
        Connector connector = new Connector(target, Family.ANY, null, 0, timeout, tuning, TransportLayer.NONE, target);
        if (!forwardTls.tls) {
            return connector;
        }
        if (target instanceof Target.UnixPath
                && forwardTls.sni == null
                && forwardTls.pins.isEmpty()
                && !forwardTls.insecure) {
            throw NetkitException.usage("--forward-tls to " + target.text() + " has no name to check the certificate "
                    + "against: give --forward-sni NAME, --forward-pin or --forward-insecure");
        }
        // the upstream's handshake is part of its connect: --forward-timeout bounds both
        return connector.withLayer(TlsSetup.client(forwardTls, timeout, output(), ForwardTlsOptions.PREFIX));
    }

    /** The chat room: {@code console} is the server user's input (may be null), {@code log} gets all traffic. */
    private static ConnectionHandler chatHandler(
            int limit, TcpEvents events, InputStream console, OutputStream log, OutputGuard output) {
        return new ChatHandler(
                new ChatRoom(ChatOptions.defaults().withMaxConnections(limit), log, new RoomEvents() {
                    @Override
                    public void failed(String where, Throwable error) {
                        if (output != null && where.equals("room log") && error instanceof java.io.IOException e) {
                            output.failed(NetkitException.output(e, "stdout")); // the room's log is our stdout
                        } else {
                            events.warning("chat " + where + ": " + error);
                        }
                    }
                }),
                console,
                events);
    }

    private InputStream consoleInput() {
        return session.recvOnly ? null : stdio().in();
    }

    private static List<String> execArgv(String exec) {
        List<String> argv = Arrays.stream(exec.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .toList();
        if (argv.isEmpty()) {
            throw NetkitException.invalidValue("--exec", exec, "expected a command");
        }
        return argv;
    }

    static Duration orNull(Duration d) {
        return d == null || d.isZero() ? null : d;
    }
}
