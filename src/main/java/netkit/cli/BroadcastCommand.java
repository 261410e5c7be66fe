package netkit.cli;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.Resolver;
import netkit.engine.udp.Addresses;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.DatagramExchange;
import netkit.engine.udp.DatagramSink;
import netkit.engine.udp.EndpointConfig;
import netkit.net.AddressFormat;
import netkit.net.Family;
import netkit.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit broadcast PORT [MESSAGE…]}: SPEC §7, Node's setBroadcast, for discovery. */
@Command(
        name = "broadcast",
        header = "Broadcast and list who answers, or answer broadcasts",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # who answers on this host",
            "  netkit broadcast -r 1s --address 127.255.255.255 9999 hello?",
            "  # who answers on eth0's link (nc -u -b)",
            "  netkit broadcast --interface eth0 -r 2s 9999 hello?",
            "  # answer every broadcast",
            "  netkit broadcast --listen --reply 'here' 9999"
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send an IPv4 broadcast to PORT and list who answers (discovery), or with --listen receive "
                    + "broadcasts and answer them.",
            "",
            "Sends MESSAGE (words joined by single spaces, no newline added) or stdin lines, with SO_BROADCAST, "
                    + "to --address or to the broadcast address of --interface: one of the two is required, as a "
                    + "broadcast leaves the machine on whatever link it is sent to. With -r every responder's reply is printed like udp-listen prints "
                    + "datagrams (-v names each responder, --json records) for the whole wait; exit 4 when nobody "
                    + "answered.",
            "",
            "--listen binds PORT on 0.0.0.0 (SO_REUSEADDR, so several listeners share it) and prints every "
                    + "datagram; --reply TEXT answers each one to its sender.",
            "",
            "IPv6 has no broadcast: -4 is accepted for symmetry, -6 is a usage error; use multicast-join ff02::1 "
                    + "PORT --send (all nodes on the link) instead."
        })
public final class BroadcastCommand extends DatagramCommand {
    @Mixin
    FamilyOptions family = new FamilyOptions();

    @Option(
            names = "--address",
            paramLabel = "ADDR",
            description = "The broadcast address to send to, e.g. 255.255.255.255 (the limited broadcast: every "
                    + "host on the link the system routes it to) or a subnet's, such as 192.168.1.255. This or "
                    + "--interface is required to send.")
    String address;

    @Option(
            names = "--interface",
            paramLabel = "IF",
            description = "Send to this interface's IPv4 broadcast address (by name or address); an interface "
                    + "without one, such as lo, is an error (exit 6).")
    String interfaceName;

    @Option(
            names = {"-c", "--count"},
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "Sending: send MESSAGE N times (default 1). With --listen: exit 0 after N datagrams.")
    Integer count;

    @Option(
            names = "--interval",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "Pause DUR between two datagrams sent. Default: none.")
    Duration interval;

    @Option(
            names = {"-r", "--wait-reply"},
            arity = "0..1",
            fallbackValue = "2s",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            preprocessor = OptionalValue.class,
            description = "After sending, collect replies for DUR (default 2s; attach a value: -r5s) and print "
                    + "every responder's; exit 4 when none came.")
    Duration waitReply;

    @Option(
            names = {"-p", "--source-port"},
            paramLabel = "PORT",
            converter = Converters.ListenPortConverter.class,
            description = "Sending: the local port to send from (default: one chosen by the system).")
    Integer sourcePort;

    @Option(
            names = "--listen",
            description = "Receive broadcasts on PORT instead of sending (printed like udp-listen).")
    boolean listen;

    @Option(
            names = "--reply",
            paramLabel = "TEXT",
            description = "With --listen: answer each datagram with TEXT (exactly those bytes) to its sender.")
    String reply;

    @Option(
            names = {"-i", "--idle-timeout"},
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "With --listen: exit 4 after DUR without a datagram (0 = no limit, the default).")
    Duration idleTimeout;

    @Mixin
    UdpOutputOptions outputOptions = new UdpOutputOptions();

    @Parameters(index = "0", paramLabel = "PORT", description = "The port to broadcast to, or to listen on.")
    String portText;

    @Parameters(
            index = "1..*",
            arity = "0..*",
            paramLabel = "MESSAGE",
            description = "The datagram (words joined by spaces, no newline). Without it, stdin lines.")
    List<String> message;

    @Override
    protected ExitCode run() throws Exception {
        if (family.family() == Family.IPV6) {
            throw NetkitException.usage("IPv6 has no broadcast: use multicast to the all-nodes group instead, "
                    + "e.g. 'netkit multicast-join ff02::1 PORT --interface IF --send'");
        }
        boolean hasMessage = message != null && !message.isEmpty();
        if (listen) {
            if (hasMessage || waitReply != null || address != null || interfaceName != null || interval != null) {
                throw NetkitException.usage(
                        "--listen receives: MESSAGE, -r, --address, --interface and --interval " + "are for sending");
            }
            return listen(Converters.port("PORT", portText, 0));
        }
        if (reply != null || idleTimeout != null) {
            throw NetkitException.usage("--reply and --idle-timeout need --listen");
        }
        if (address != null && interfaceName != null) {
            throw NetkitException.usage("--address and --interface cannot be combined");
        }
        if (address == null && interfaceName == null) {
            // 255.255.255.255 by default would leave the machine on its default route: the target is named
            throw NetkitException.usage("broadcast needs its target: --address ADDR (e.g. 255.255.255.255, every "
                    + "host on the link the system routes it to) or --interface IF (that link's broadcast address)");
        }
        if (address != null) {
            Converters.host("--address", address);
        }
        if (count != null && !hasMessage) {
            throw NetkitException.usage("-c/--count repeats MESSAGE; give a MESSAGE (stdin lines are sent once each)");
        }
        int port = Converters.port("PORT", portText, 1);
        InetAddress to = interfaceName != null
                ? Addresses.broadcastOf(Addresses.networkInterface(interfaceName))
                : Resolver.first(
                        address,
                        Family.IPV4,
                        "--address",
                        "broadcast is IPv4 only (IPv6 has none: use multicast-join ff02::1 PORT --send)");
        if (!(to instanceof Inet4Address)) {
            throw NetkitException.invalidValue("--address", address, "expected an IPv4 broadcast address");
        }
        InetSocketAddress target = new InetSocketAddress(to, port);
        EndpointConfig.Builder config = EndpointConfig.builder()
                .family(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), sourcePort == null ? 0 : sourcePort))
                .broadcast(true)
                .receiveBufferSize(EndpointConfig.REPLY_RECEIVE_BUFFER);
        byte[] payload = hasMessage ? String.join(" ", message).getBytes(StandardCharsets.UTF_8) : null;
        try (DatagramPrinter printer = new DatagramPrinter(output(), stdio(), outputOptions);
                DatagramEndpoint endpoint = DatagramEndpoint.open(config.build())) {
            endpoint.onSent(printer.sent());
            output().event(
                            1,
                            "broadcasting to " + AddressFormat.hostPort(target),
                            Json.event("broadcast")
                                    .put("address", AddressFormat.text(to))
                                    .put("port", port));
            return exchange(
                    endpoint,
                    printer,
                    new DatagramExchange.Request(
                            target, payload, count == null ? 1 : count, interval, null, waitReply, false));
        }
    }

    private ExitCode listen(int port) throws Exception {
        EndpointConfig.Builder config = EndpointConfig.builder()
                .family(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port))
                .reuseAddress(true)
                .broadcast(true)
                .receiveBufferSize(EndpointConfig.LARGE_RECEIVE_BUFFER);
        try (DatagramEndpoint endpoint = DatagramEndpoint.open(config.build());
                DatagramPrinter printer = new DatagramPrinter(output(), stdio(), outputOptions);
                AutoCloseable hook = onShutdown(() -> UdpListenCommand.closeQuietly(printer))) {
            endpoint.onSent(printer.sent());
            listening(endpoint);
            byte[] answer = reply == null ? null : reply.getBytes(StandardCharsets.UTF_8);
            DatagramSink sink = answer == null ? printer : answering(endpoint, printer, d -> answer);
            try {
                return receive(endpoint, sink, count == null ? 0 : count, idleTimeout);
            } finally {
                summary(endpoint);
            }
        }
    }
}
