package netkit.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.Resolver;
import netkit.engine.stream.Target;
import netkit.engine.tcp.WarningThrottle;
import netkit.engine.udp.Datagram;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.DatagramSink;
import netkit.engine.udp.EchoPolicy;
import netkit.engine.udp.EndpointConfig;
import netkit.net.AddressFormat;
import netkit.net.Family;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit udp-listen [ADDRESS] PORT}: SPEC §6, Node's dgram bind + on('message'). */
@Command(
        name = "udp-listen",
        header = "Receive UDP datagrams from any number of senders",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # like nc -lu 9000, but every sender is heard",
            "  netkit udp-listen 9000",
            "  # each datagram under its sender line",
            "  netkit udp-listen -v 127.0.0.1 9000",
            "  # ten datagrams as JSON records, then exit 0",
            "  netkit udp-listen --json -c 10 127.0.0.1 9000",
            "  # a UDP echo server",
            "  netkit udp-listen --echo 127.0.0.1 7"
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Bind a UDP port and receive datagrams from any number of senders (never locked to the first, "
                    + "unlike nc -lu).",
            "",
            "Payload bytes go to stdout unchanged. -v prints each sender as 'from ADDRESS:PORT (IPv4, N bytes)' "
                    + "on stderr; --json prints one message record per datagram on stdout instead of the payload: "
                    + "{\"event\":\"message\",\"address\":…,\"family\":\"IPv4\",\"port\":…,\"size\":N,\"text\":…} "
                    + "(\"base64\" instead of \"text\" when the payload is not UTF-8). Empty datagrams are reported "
                    + "(size 0) and end nothing; a 65,507-byte datagram (65,527 over IPv6) arrives whole.",
            "",
            "Lines typed or piped on stdin are sent as datagrams (newline included) to the most recent sender; "
                    + "before the first datagram there is nobody to answer and the line is dropped with a warning. "
                    + "The socket asks for a 32 MiB receive buffer (the kernel caps it at net.core.rmem_max unless "
                    + "netkit runs with CAP_NET_ADMIN, e.g. as root, where SO_RCVBUFFORCE gets it); -v reports the "
                    + "size granted.",
            "",
            "ADDRESS defaults to :: (every interface, IPv6 and IPv4); PORT 0 picks a free port, reported by -v. "
                    + "-4 binds 0.0.0.0 (or ADDRESS); -6 binds :: with IPV6_V6ONLY (or ADDRESS), so IPv4 senders are "
                    + "not heard."
        })
public final class UdpListenCommand extends DatagramCommand {
    @Mixin
    FamilyOptions family = new FamilyOptions();

    @Option(
            names = "--echo",
            description = "Send every datagram back to its sender (the classic UDP echo server); "
                    + "it is still printed. A sender's address can be forged, so no answer goes to this server's own "
                    + "address and port or to the services that answer anything (ports 7, 13, 17, 19, 37: a loop), "
                    + "and answers are rate-limited: 100 a second per sender after a burst of 200, 2,000 a second "
                    + "in all. A datagram not answered is still printed, with a warning (one per reason per 10 s).")
    boolean echo;

    @Option(
            names = {"-c", "--count"},
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "Exit 0 after N datagrams.")
    Integer count;

    @Option(
            names = {"-i", "--idle-timeout"},
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "Exit 4 after DUR without a datagram (250ms, 2s, 1.5s, 3m, 1h; 0 = no limit, the default).")
    Duration idleTimeout;

    @Option(names = "--reuse-address", description = "SO_REUSEADDR, so several receivers can share the port.")
    boolean reuseAddress;

    @Option(
            names = "--recv-buffer-size",
            paramLabel = "BYTES",
            defaultValue = "" + EndpointConfig.LARGE_RECEIVE_BUFFER,
            converter = Converters.PositiveIntConverter.class,
            description =
                    "The receive buffer size to ask for: how many bytes of datagrams the kernel holds until netkit reads them (SO_RCVBUF, Node recvBufferSize). Default: ${DEFAULT-VALUE} (32 MiB), so bursts "
                            + "of small datagrams are kept; the kernel caps it at net.core.rmem_max, except for root (SO_RCVBUFFORCE).")
    int recvBufferSize;

    @Option(
            names = "--forward",
            paramLabel = "HOST:PORT",
            description = "Forwarder: relay every datagram to HOST:PORT ([IPv6]:PORT) and the replies back. Each "
                    + "client address:port gets its own upstream socket (so replies go back to the right client), "
                    + "closed after -i DUR without a datagram either way (default 60s here) or when the upstream "
                    + "port is unreachable. HOST is resolved once, at start-up. Payloads are not printed; -v/--json "
                    + "report each mapping and its end with its traffic. Stdin is not read. --echo, -c, -o, -x "
                    + "do not apply.")
    String forward;

    @Option(
            names = {"-m", "--max-mappings"},
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "With --forward: at most N clients mapped at once; a datagram from a new client beyond that "
                    + "is dropped (logged with -v). Default: no limit.")
    Integer maxMappings;

    @Mixin
    UdpOutputOptions outputOptions = new UdpOutputOptions();

    @Mixin
    InteractiveOption interactive = new InteractiveOption();

    @Parameters(
            paramLabel = "[ADDRESS] PORT",
            arity = "1..2",
            description = "Local address to bind (default: every interface) and port (0 = any free port).")
    List<String> args;

    @Override
    protected ExitCode run() throws IOException, Exception {
        Family only = family.family();
        AddressPort where = AddressPort.of(args);
        int port = Converters.port("PORT", where.port(), 0);
        InetAddress address = where.address() != null
                ? Resolver.first(where.address(), only, "ADDRESS")
                : InetAddress.getByName(only == Family.IPV4 ? "0.0.0.0" : "::");
        if (forward == null && maxMappings != null) {
            throw NetkitException.usage("-m/--max-mappings needs --forward HOST:PORT");
        }
        InetSocketAddress upstream = forward == null ? null : forwardTarget();
        EndpointConfig.Builder config = EndpointConfig.builder()
                .family(DatagramEndpoint.familyOf(address))
                .v6Only(only == Family.IPV6 && where.address() == null)
                .bind(new InetSocketAddress(address, port))
                .reuseAddress(reuseAddress)
                .receiveBufferSize(recvBufferSize);
        if (upstream != null) {
            return UdpForwarding.run(
                    DatagramEndpoint.open(config.build()),
                    upstream,
                    forwardIdle(),
                    maxMappings == null ? 0 : maxMappings,
                    output(),
                    this::listening);
        }
        try (DatagramEndpoint endpoint = DatagramEndpoint.open(config.build());
                DatagramPrinter printer = new DatagramPrinter(output(), stdio(), outputOptions);
                AutoCloseable hook = onShutdown(() -> closeQuietly(printer))) {
            endpoint.onSent(printer.sent());
            listening(endpoint);
            if (interactive.wanted(stdio())) {
                return DatagramRepl.run(
                        output(),
                        endpoint,
                        "udp " + AddressFormat.hostPort(endpoint.localAddress()),
                        endpoint::lastSender,
                        "no datagram received yet: nobody to send to",
                        null,
                        count == null ? 0 : count,
                        idleTimeout,
                        null,
                        echo ? echoing(endpoint, DatagramSink.NONE) : null);
            }
            DatagramSink sink = echo ? echoing(endpoint, printer) : printer;
            stdinLines(payload -> {
                InetSocketAddress to = endpoint.lastSender();
                if (to == null) {
                    output().warn("no datagram received yet: nobody to send " + payload.length + " bytes to (dropped)");
                } else {
                    endpoint.send(payload, to);
                }
            });
            try {
                return receive(endpoint, sink, count == null ? 0 : count, idleTimeout);
            } finally {
                summary(endpoint);
            }
        }
    }

    /**
     * Prints each datagram and echoes it to its sender unless the {@link EchoPolicy} says no
     * (a loop, or over the rate); a refused answer is a warning, at most one a reason per 10 s.
     */
    private DatagramSink echoing(DatagramEndpoint endpoint, DatagramSink printer) {
        EchoPolicy policy = new EchoPolicy(endpoint.localAddress());
        WarningThrottle warnings = new WarningThrottle(output()::warn, Duration.ofSeconds(10));
        DatagramSink answer = answering(endpoint, DatagramSink.NONE, Datagram::payload);
        return d -> {
            printer.accept(d);
            String no = policy.refuse(d.peer());
            if (no == null) {
                answer.accept(d);
            } else {
                // the reason only: forged senders are countless, the lines must not be
                warnings.warn("--echo: a datagram not answered: " + no);
            }
        };
    }

    /** Options of the printing receiver that mean nothing to a forwarder. */
    private static final Set<String> NOT_IN_FORWARD =
            Set.of("--echo", "--count", "--output", "--append", "--hexdump", "--interactive");

    /** {@code --forward HOST:PORT}, checked and resolved once. */
    private InetSocketAddress forwardTarget() {
        for (OptionSpec given : spec == null
                ? List.<OptionSpec>of()
                : spec.commandLine().getParseResult().matchedOptions()) {
            if (NOT_IN_FORWARD.contains(given.longestName())) {
                throw NetkitException.usage(String.join("/", given.names()) + " cannot be combined with --forward");
            }
        }
        if (forward.startsWith("unix:")) {
            throw NetkitException.invalidValue("--forward", forward, "udp-listen forwards to HOST:PORT only");
        }
        Target.HostPort hp = (Target.HostPort) Target.parse(forward, "--forward");
        return new InetSocketAddress(Resolver.first(hp.host(), Family.ANY, "--forward"), hp.port());
    }

    /** The mapping idle expiry: -i, 60s by default; 0 is not "never" here, as mappings would pile up. */
    private Duration forwardIdle() {
        if (idleTimeout == null) {
            return UdpForwarding.DEFAULT_IDLE;
        }
        if (idleTimeout.isZero()) {
            throw NetkitException.invalidValue(
                    "-i/--idle-timeout", "0", "with --forward a mapping must expire: " + "give a duration");
        }
        return idleTimeout;
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // at shutdown: best effort
        }
    }
}
