package netkit.cli;

import java.time.Duration;
import netkit.ExitCode;
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
                    + "6 when --source/--source-port cannot be bound, 1 on other network errors (reset by peer, …)."
        })
public final class TcpConnectCommand extends BaseCommand {
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Parameters(index = "0", paramLabel = "HOST", description = "Host name or IP address (IPv6 with an optional %%zone).")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Port to connect to, 1-65535.")
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
            description = "Give up connecting after DUR, exit 4. 0 = no limit. Default: 10s.")
    Duration connectTimeout;

    @Mixin
    TcpSessionOptions session = new TcpSessionOptions();

    @Override
    protected ExitCode run() {
        // Port checks (-z) take their own path from here: PORT is then a list of ports and ranges.
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
                    : Relay.run(connection, stdio().inChannel(), options, io.sink(), io.tap());
            events.closed(connection, outcome);
            return TcpCommands.exitCode(outcome, options.idleTimeout());
        }
    }
}
