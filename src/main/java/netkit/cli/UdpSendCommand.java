package netkit.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.Resolver;
import netkit.engine.udp.Addresses;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.DatagramExchange;
import netkit.engine.udp.EndpointConfig;
import netkit.net.AddressFormat;
import netkit.net.Family;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit udp-send HOST PORT [MESSAGE…]}: SPEC §5, Node's dgram send. */
@Command(
        name = "udp-send",
        header = "Send UDP datagrams, and print the replies with -r",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # one datagram, no newline (echo -n hello | nc -u -w1 ...)",
            "  netkit udp-send 127.0.0.1 9000 hello",
            "  # send, print the reply; exit 4 when none came",
            "  netkit udp-send -r 1s 127.0.0.1 7 ping",
            "  # one datagram per stdin line",
            "  printf 'a\\nb\\n' | netkit udp-send 127.0.0.1 9000"
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send datagrams to HOST:PORT. With -4 (-6) HOST must resolve to an IPv4 (IPv6) address.",
            "",
            "With MESSAGE: the words joined by single spaces, exactly those bytes, no newline added (-c repeats "
                    + "it). Without MESSAGE: stdin, one datagram per line with its newline (a line longer than "
                    + "65,507 bytes, 65,527 over IPv6, goes in pieces), or with --chunk N datagrams of exactly N bytes (the last one "
                    + "shorter) regardless of newlines.",
            "",
            "The socket is connected to HOST:PORT (not for a multicast HOST, with --broadcast, or for an empty "
                    + "MESSAGE, which a connected JDK socket cannot send), so only HOST's replies arrive and an ICMP "
                    + "port unreachable ends netkit with exit 3 'connection refused' while it is still running: "
                    + "in stdin mode, with -c, or with --wait-reply. While stdin is being sent, replies are printed "
                    + "as they come (payload on stdout, -v sender, --json records); netkit exits at stdin EOF "
                    + "unless --wait-reply asks it to wait.",
            "",
            "-v prints 'sent N bytes to ADDRESS:PORT' per datagram (Node's send callback); --json "
                    + "{\"event\":\"sent\",\"address\":…,\"port\":…,\"bytes\":N} on stderr."
        })
public final class UdpSendCommand extends DatagramCommand {
    @Mixin
    FamilyOptions family = new FamilyOptions();

    @Option(
            names = {"-s", "--source"},
            paramLabel = "ADDR",
            description = "Local address to send from.")
    String source;

    @Option(
            names = {"-p", "--source-port"},
            paramLabel = "PORT",
            converter = Converters.ListenPortConverter.class,
            description = "Local port to send from (default: one chosen by the system).")
    Integer sourcePort;

    @Option(
            names = {"-c", "--count"},
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "Send MESSAGE N times (default 1). Needs MESSAGE.")
    Integer count;

    @Option(
            names = "--interval",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "Pause DUR between two datagrams (repeats of -c, and stdin datagrams). Default: none.")
    Duration interval;

    @Option(
            names = {"-r", "--wait-reply"},
            arity = "0..1",
            fallbackValue = "2s",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            preprocessor = OptionalValue.class,
            description = "After sending, wait up to DUR (default 2s; attach a value: -r5s, --wait-reply=5s) for "
                    + "replies and print them. It ends early once every datagram sent got one reply (the "
                    + "request/response pattern); exit 4 when no reply came at all.")
    Duration waitReply;

    @Option(
            names = "--ttl",
            paramLabel = "N",
            converter = UdpConverters.Ttl.class,
            description =
                    "Unicast TTL / IPv6 hop limit: how many routers a datagram may cross, 1-255 (Node setTTL), set with setsockopt through the FFM "
                            + "API: needs Java 22+ on Linux or macOS, else netkit stops with an error instead of ignoring it.")
    Integer ttl;

    @Option(
            names = "--broadcast",
            description = "Allow sending to a broadcast address (SO_BROADCAST, Node "
                    + "setBroadcast); the socket is then not connected, so replies from any responder are printed.")
    boolean broadcast;

    @Option(
            names = "--interface",
            paramLabel = "IF",
            description = "For a multicast HOST: the outgoing interface, "
                    + "by name (lo, eth0) or address. Default: the system's choice.")
    String multicastInterface;

    @Option(
            names = "--multicast-ttl",
            paramLabel = "N",
            converter = UdpConverters.MulticastTtl.class,
            description =
                    "For a multicast HOST: the multicast TTL, how many routers the datagrams may cross, 0-255 (Node setMulticastTTL). Default: 1.")
    Integer multicastTtl;

    @Option(
            names = "--multicast-loopback",
            negatable = true,
            fallbackValue = "true",
            description = "For a multicast HOST: whether local members get our datagrams too (Node "
                    + "setMulticastLoopback). Default: on.")
    Boolean multicastLoopback;

    @Option(
            names = "--chunk",
            paramLabel = "N",
            converter = UdpConverters.DatagramSize.class,
            description =
                    "Stdin mode: datagrams of exactly N bytes (1-65507 over IPv4, 1-65527 over IPv6; the last one shorter) regardless of "
                            + "newlines, for binary input.")
    Integer chunk;

    @Mixin
    UdpOutputOptions outputOptions = new UdpOutputOptions();

    @Mixin
    InteractiveOption interactive = new InteractiveOption();

    @Parameters(index = "0", paramLabel = "HOST", description = "Destination host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Destination port (1-65535).")
    String portText;

    @Parameters(
            index = "2..*",
            paramLabel = "MESSAGE",
            arity = "0..*",
            description = "The datagram: the words joined by single spaces, no newline added. Without it, stdin.")
    List<String> message;

    /** Opens the endpoint; the kernel's EACCES for a broadcast address gets the hint that fixes it. */
    private DatagramEndpoint open(EndpointConfig config) {
        try {
            return DatagramEndpoint.open(config);
        } catch (NetkitException e) {
            if (!broadcast && "EACCES".equals(e.code())) {
                throw new NetkitException(
                        e.exitCode(),
                        e.code(),
                        e.getMessage() + " (a broadcast address needs --broadcast)",
                        e.getCause());
            }
            throw e;
        }
    }

    @Override
    protected ExitCode run() throws Exception {
        Family only = family.family();
        Converters.host("HOST", host);
        if (source != null) {
            Converters.host("--source", source);
        }
        int port = Converters.port("PORT", portText, 1);
        boolean stdinMode = message == null || message.isEmpty();
        if (count != null && stdinMode) {
            throw NetkitException.usage(
                    "-c/--count repeats MESSAGE; give a MESSAGE (stdin mode sends every line once)");
        }
        if (chunk != null && !stdinMode) {
            throw NetkitException.usage("--chunk cuts stdin into datagrams; it cannot be combined with MESSAGE");
        }
        InetAddress address = Resolver.first(host, only, "HOST");
        InetSocketAddress target = new InetSocketAddress(address, port);
        boolean multicast = address.isMulticastAddress();
        if (!multicast && (multicastInterface != null || multicastTtl != null || multicastLoopback != null)) {
            throw NetkitException.usage(
                    "--interface, --multicast-ttl and --multicast-loopback need a multicast HOST, not '" + host + "'");
        }
        byte[] payload = stdinMode ? null : String.join(" ", message).getBytes(StandardCharsets.UTF_8);
        int max = DatagramEndpoint.maxPayload(address);
        String family = AddressFormat.family(address);
        if (payload != null && payload.length > max) {
            throw NetkitException.usage(
                    "MESSAGE is " + payload.length + " bytes; an " + family + " datagram holds at most " + max);
        }
        if (chunk != null && chunk > max) {
            throw NetkitException.invalidValue(
                    "--chunk", String.valueOf(chunk), "an " + family + " datagram holds at most " + max + " bytes");
        }
        boolean connect = !multicast && !broadcast && (payload == null || payload.length > 0);
        InetSocketAddress bind = null;
        if (source != null || sourcePort != null) {
            InetAddress src = source != null
                    ? Resolver.first(
                            source,
                            Family.of(address),
                            "--source",
                            "HOST '" + host + "' is " + AddressFormat.family(address))
                    : null;
            bind = src != null
                    ? new InetSocketAddress(src, sourcePort == null ? 0 : sourcePort)
                    : new InetSocketAddress(sourcePort);
        }
        NetworkInterface nif = multicastInterface == null ? null : Addresses.networkInterface(multicastInterface);
        EndpointConfig.Builder config = EndpointConfig.builder()
                .family(DatagramEndpoint.familyOf(address))
                .bind(bind)
                .broadcast(broadcast)
                .ttl(ttl)
                .multicast(nif, multicastTtl, multicastLoopback)
                .connect(connect ? target : null);
        boolean receiving = waitReply != null || stdinMode;
        if (receiving) {
            config.receiveBufferSize(EndpointConfig.REPLY_RECEIVE_BUFFER);
        }
        try (DatagramPrinter printer = new DatagramPrinter(output(), stdio(), outputOptions);
                DatagramEndpoint endpoint = open(config.build())) {
            endpoint.onSent(printer.sent());
            if (output().enabled(2) && ttl != null) {
                output().event(2, "TTL " + endpoint.ttl() + " (read back with getsockopt)", null);
            }
            if (stdinMode && chunk == null && interactive.wanted(stdio())) {
                try {
                    // Ctrl-D ends the session, after --wait-reply DUR when given
                    return DatagramRepl.run(
                            output(),
                            endpoint,
                            AddressFormat.hostPort(target),
                            () -> target,
                            null,
                            null,
                            0,
                            null,
                            waitReply == null ? Duration.ZERO : waitReply,
                            null);
                } finally {
                    summary(endpoint);
                }
            }
            return exchange(
                    endpoint,
                    printer,
                    new DatagramExchange.Request(
                            target, payload, count == null ? 1 : count, interval, chunk, waitReply, connect));
        }
    }
}
