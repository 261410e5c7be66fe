package netkit.cli;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.tcp.AccessRules;
import netkit.engine.tcp.ConnectionHandler;
import netkit.engine.tcp.Connector;
import netkit.engine.tcp.Family;
import netkit.engine.tcp.ListenOptions;
import netkit.engine.tcp.Listener;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.RelayHandler;
import netkit.engine.tcp.SessionOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit tcp-listen [ADDRESS] PORT}: a TCP server, relay mode by default (SPEC §3). */
@Command(
        name = "tcp-listen",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Listen on PORT (every interface, IPv6 and IPv4, unless ADDRESS, -4 or -6 say otherwise) and relay: "
                    + "what clients send goes to stdout, stdin goes to every connected client.",
            "",
            "Without -k, one client is served (no second one is accepted meanwhile) and netkit exits when it ends. "
                    + "PORT 0 binds a free port; '-v' reports the real one before anything is accepted.",
            "",
            "Exit 6 when the address cannot be bound, 4 on accept or idle timeout."
        })
public final class TcpListenCommand extends BaseCommand {
    @Parameters(arity = "1..2", paramLabel = "[ADDRESS] PORT", hideParamSyntax = true,
            description = "Optional local ADDRESS to bind (default: every interface), then PORT (0-65535, 0 = any free port).")
    List<String> operands;

    @Option(names = "-4", description = "IPv4 only (binds 0.0.0.0 by default).")
    boolean ipv4;

    @Option(names = "-6", description = "IPv6 only (binds [::] by default; IPv4 clients are rejected).")
    boolean ipv6;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "511", converter = Converters.PositiveIntConverter.class,
            description = "Listen backlog: connections the kernel queues before they are accepted. Default: ${DEFAULT-VALUE} (Node's).")
    int backlog;

    @Option(names = {"-k", "--keep-open"},
            description = "Serve any number of clients, one after another and at the same time. Without it, "
                    + "serve one and exit when it ends.")
    boolean keepOpen;

    @Mixin
    TcpSessionOptions session = new TcpSessionOptions();

    @Override
    protected ExitCode run() {
        Family family = TcpCommands.family(ipv4, ipv6);
        String address = operands.size() == 2 ? operands.get(0) : null;
        int port = TcpCommands.port(operands.get(operands.size() - 1), 0);
        InetAddress bindAddress = address == null ? null : Connector.resolve(address, family).get(0);
        // Stdin is shared by all clients of a -k listener: a client's FIN ends its session by default.
        SessionOptions options = session.sessionOptions(stdio(), !stdio().stdinIsTerminal() && !keepOpen);
        ListenOptions listen = new ListenOptions(bindAddress, port, family, backlog, keepOpen, 0, 0, null,
                AccessRules.OPEN, session.tuning());
        TcpEventPrinter events = new TcpEventPrinter(output(), keepOpen);
        try (RelayIo io = new RelayIo(session, stdio(), output())) {
            Listener listener = Listener.bind(listen, events, io.totals());
            try (listener) {
                ConnectionHandler handler = new RelayHandler(stdio().inChannel(), options, io.sink(), io.tap(), events);
                Outcome outcome = listener.serve(handler);
                return TcpCommands.exitCode(outcome, options.idleTimeout());
            }
        }
    }

    static NetkitException modesConflict(String a, String b) {
        return NetkitException.usage(a + " and " + b + " cannot be combined");
    }

    static Duration orNull(Duration d) {
        return d == null || d.isZero() ? null : d;
    }
}
