package netkit.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Connector;
import netkit.engine.tcp.Family;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.Relay;
import netkit.engine.tcp.SessionOptions;
import netkit.repl.Interactive;
import netkit.repl.TcpConnectSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit tcp-connect HOST PORT}: connect and relay stdin → socket → stdout (SPEC §2). */
@Command(
        name = "tcp-connect",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connect to HOST PORT and relay: stdin goes to the socket, what the peer sends goes to stdout, byte for byte.",
            "",
            "At stdin EOF netkit sends FIN and keeps printing what the peer sends until it closes (--stdin-eof). "
                    + "When the peer closes first, piped stdin is still sent in full (--allow-half-open). "
                    + "The session ends with exit 0 when both sides are done.",
            "",
            "Exit 3 when the connection is refused, 4 on connect or idle timeout, 5 when HOST does not resolve, "
                    + "6 when --source/--source-port cannot be bound, 1 on other network errors (reset by peer, …).",
            "",
            "With -z (port check) PORT may be a list and/or ranges (22,80,8000-8100); netkit then connects to each "
                    + "port without sending anything and exits 0 when at least one is open, 1 when none is."
        })
public final class TcpConnectCommand extends BaseCommand {
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "HOST", description = "Host name or IP address (IPv6 with an optional %%zone).")
    String host;

    @Parameters(index = "1", paramLabel = "PORT",
            description = "Port to connect to, 1-65535. With -z: a port, a list and/or ranges, e.g. 22,80,8000-8100 or 1-65535.")
    String port;

    @Option(names = "-4", description = "IPv4 only.")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only.")
    boolean ipv6;

    @Option(names = {"-s", "--source"}, paramLabel = "ADDR", description = "Local address to bind before connecting.")
    String source;

    @Option(names = {"-p", "--source-port"}, paramLabel = "PORT", converter = Converters.ListenPortConverter.class,
            description = "Local port to bind before connecting (0 = any).")
    int sourcePort;

    @Option(names = {"-w", "--connect-timeout"}, paramLabel = "DUR", converter = Converters.DurationConverter.class,
            description = "Give up connecting after DUR, exit 4. 0 = no limit. Default: 10s (2s with -z).")
    Duration connectTimeout;

    @Option(names = {"-z", "--scan"},
            description = "Port check instead of a session: connect to each port of PORT (then a port, a list and/or "
                    + "ranges such as 22,80,8000-8100 or 1-65535), send nothing, close; many ports at once. "
                    + "Open ports are printed on stdout as 'HOST PORT open', in port order; -v adds closed and "
                    + "filtered ports on stderr, --json prints one record per port. A single port is silent like "
                    + "nc -z. Exit 0 when a port is open, 1 when none is. The connect timeout (-w) is 2s here. "
                    + "Session options (-o, -i, -x, -C, -q, -s, -p, …) cannot be combined with it: exit 2.")
    boolean scan;

    @Option(names = "--concurrency", paramLabel = "N", converter = Converters.PositiveIntConverter.class,
            description = "With -z: probe at most N ports at once (default 200). Closed and open ports answer at once; "
                    + "filtered ones hold a probe until the timeout, so they cost about ceil(filtered/N) x timeout. "
                    + "Every probe in flight holds a file descriptor.")
    Integer concurrency;

    @Mixin
    TcpSessionOptions session = new TcpSessionOptions();

    @Override
    protected ExitCode run() throws InterruptedException {
        if (scan) {
            return scan();
        }
        if (concurrency != null) {
            throw NetkitException.usage("--concurrency needs -z/--scan");
        }
        int p = TcpCommands.port(port, 1);
        Family family = TcpCommands.family(ipv4, ipv6);
        SessionOptions options = session.sessionOptions(stdio());
        Duration timeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT
                : connectTimeout.isZero() ? null : connectTimeout;
        Connector connector = new Connector(host, p, family, source, sourcePort, timeout, session.tuning());
        TcpEventPrinter events = new TcpEventPrinter(output(), false);
        boolean interactive = Interactive.wanted(session.interactive, stdio());
        if (interactive) {
            session.progress = null; // a progress line would garble the line being typed: /stats instead
        }
        try (RelayIo io = new RelayIo(session, stdio(), output())) {
            Connection connection = connector.connect(io.totals());
            events.connected(connection);
            Outcome outcome = interactive
                    ? TcpConnectSession.run(connection, options, TcpCommands.replTap(session, io),
                            TcpCommands.replCopy(session, io), TcpCommands.replOptions(session, output()))
                    : Relay.run(connection, stdio().inChannel(), stdio().inDescriptor(), options, io.sink(), io.tap());
            if (output().enabled(2)) {
                output().event(2, "zero-copy: " + connection.bytesWrittenDirectly() + " of " + connection.bytesWritten()
                        + " bytes sent, " + connection.bytesReadDirectly() + " of " + connection.bytesRead()
                        + " received (splice/sendfile)", null);
            }
            events.closed(connection, outcome);
            return TcpCommands.exitCode(outcome, options.idleTimeout());
        }
    }

    /** The options that mean something in a scan; any other one given with -z is a usage error. */
    private static final Set<String> SCAN_OPTIONS = Set.of("--scan", "--concurrency", "--connect-timeout", "-4", "-6",
            "--verbose", "--json", "--color", "--stacktrace");

    /** {@code -z}: PORT is a list of ports and ranges; HOST is resolved once. */
    private ExitCode scan() throws InterruptedException {
        if (source != null || sourcePort != 0) {
            throw NetkitException.usage("-s/--source and -p/--source-port cannot be combined with -z/--scan");
        }
        // A scan sends and receives nothing: a session option given with it would silently do nothing.
        // (The start-up fast path runs this without a picocli model, and only for option-free port checks.)
        for (OptionSpec given : spec == null ? List.<OptionSpec>of() : spec.commandLine().getParseResult().matchedOptions()) {
            if (!SCAN_OPTIONS.contains(given.longestName())) {
                throw NetkitException.usage(String.join("/", given.names()) + " cannot be combined with -z/--scan");
            }
        }
        PortList ports = PortList.parse("PORT", port);
        InetAddress address = Connector.resolve(host, TcpCommands.family(ipv4, ipv6)).get(0);
        Duration timeout = connectTimeout == null ? ScanRunner.DEFAULT_TIMEOUT : connectTimeout;
        int n = concurrency == null ? ScanRunner.DEFAULT_CONCURRENCY : concurrency;
        return ScanRunner.run(new ScanRequest(host, address, ports, timeout, n), output());
    }
}
