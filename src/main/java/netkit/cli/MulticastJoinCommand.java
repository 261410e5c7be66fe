package netkit.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.nio.channels.MembershipKey;
import java.time.Duration;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.stream.Resolver;
import netkit.engine.udp.Addresses;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.EndpointConfig;
import netkit.net.AddressFormat;
import netkit.net.Family;
import netkit.net.IpLiteral;
import netkit.output.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code netkit multicast-join GROUP PORT}: SPEC §7, Node's addMembership / dropMembership. */
@Command(
        name = "multicast-join",
        header = "Join a multicast group and print its datagrams",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # print the group's datagrams",
            "  netkit multicast-join --interface lo 239.1.1.1 5000",
            "  # send stdin lines to the group too",
            "  netkit multicast-join --send --interface lo 239.1.1.1 5000",
            "  # only datagrams from 10.0.0.5 (source-specific)",
            "  netkit multicast-join --source 10.0.0.5 232.1.1.1 5000"
        },
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Join a multicast GROUP, receive its datagrams on PORT, and leave the group on exit (Ctrl-C included).",
            "",
            "GROUP is an IPv4 (224.0.0.0/4) or IPv6 (ff00::/8) multicast literal. PORT is bound on the wildcard "
                    + "address with SO_REUSEADDR, so several receivers on this host share it. Datagrams are printed "
                    + "like udp-listen: payload on stdout, -v the sender, --json message records. With --send, "
                    + "stdin lines are sent to GROUP:PORT while joined.",
            "",
            "The socket hears only the groups it joined, even when other programs share the port (the JDK "
                    + "turns Linux's IP_MULTICAST_ALL off).",
            "",
            "-4 (-6) accepts only an IPv4 (IPv6) GROUP: the family comes from GROUP, the options make a "
                    + "script's intent checkable.",
            "",
            "Errors joining (no such interface, an interface that cannot join) exit 6."
        })
public final class MulticastJoinCommand extends DatagramCommand {
    @Mixin
    FamilyOptions family = new FamilyOptions();

    @Option(
            names = "--interface",
            paramLabel = "IF",
            description = "Join on this interface, by name (lo, eth0) or address; it also carries --send. "
                    + "Default: the one the system routes GROUP through, named by -v.")
    String interfaceName;

    @Option(
            names = "--source",
            paramLabel = "ADDR",
            description = "Source-specific join: only datagrams from ADDR (Node addSourceSpecificMembership).")
    String source;

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
            description = "Exit 4 after DUR without a datagram (0 = no limit, the default).")
    Duration idleTimeout;

    @Option(names = "--send", description = "Send stdin lines (newline included) to GROUP:PORT while joined.")
    boolean send;

    @Option(
            names = "--ttl",
            paramLabel = "N",
            defaultValue = "1",
            converter = UdpConverters.MulticastTtl.class,
            description =
                    "With --send: the multicast TTL, how many routers the datagrams may cross, 0-255 (Node setMulticastTTL). Default: ${DEFAULT-VALUE} "
                            + "(this link only; 0 = this host only).")
    int ttl;

    @Option(
            names = "--loopback",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "With --send: whether members on this host (this one included) get what we send "
                    + "(Node setMulticastLoopback). Default: on. On lo itself datagrams always come back: the "
                    + "loopback device delivers what it sends to this host.")
    boolean loopback;

    @Option(
            names = "--recv-buffer-size",
            paramLabel = "BYTES",
            defaultValue = "" + EndpointConfig.LARGE_RECEIVE_BUFFER,
            converter = Converters.PositiveIntConverter.class,
            description =
                    "SO_RCVBUF to ask for. Default: ${DEFAULT-VALUE} (32 MiB; capped at net.core.rmem_max except for root).")
    int recvBufferSize;

    @Mixin
    UdpOutputOptions outputOptions = new UdpOutputOptions();

    @Mixin
    InteractiveOption interactive = new InteractiveOption();

    @Parameters(index = "0", paramLabel = "GROUP", description = "The multicast group: 224.0.0.0/4 or ff00::/8.")
    String groupText;

    @Parameters(index = "1", paramLabel = "PORT", description = "The port to receive on (and send to with --send).")
    String portText;

    @Override
    protected ExitCode run() throws Exception {
        Family only = family.family();
        InetAddress group = group(groupText);
        if (!only.accepts(group)) {
            throw NetkitException.usage("GROUP '" + groupText + "' is " + AddressFormat.family(group) + " but "
                    + only.option() + " was given");
        }
        int port = Converters.port("PORT", portText, 1);
        NetworkInterface nif =
                interfaceName != null ? Addresses.networkInterface(interfaceName) : Addresses.systemInterfaceFor(group);
        InetAddress from = source == null
                ? null
                : Resolver.first(
                        Converters.host("--source", source),
                        Family.of(group),
                        "--source",
                        "GROUP '" + groupText + "' is " + AddressFormat.family(group));
        EndpointConfig.Builder config = EndpointConfig.builder()
                .family(DatagramEndpoint.familyOf(group))
                .bind(new InetSocketAddress(
                        DatagramEndpoint.familyOf(group) == java.net.StandardProtocolFamily.INET
                                ? InetAddress.getByName("0.0.0.0")
                                : InetAddress.getByName("::"),
                        port))
                .reuseAddress(true)
                .receiveBufferSize(recvBufferSize)
                .multicast(nif, ttl, loopback);
        try (DatagramEndpoint endpoint = DatagramEndpoint.open(config.build());
                DatagramPrinter printer = new DatagramPrinter(output(), stdio(), outputOptions);
                AutoCloseable hook = onShutdown(() -> {
                    leaveAll(endpoint);
                    UdpListenCommand.closeQuietly(printer);
                })) {
            endpoint.onSent(printer.sent());
            listening(endpoint);
            MembershipKey key = endpoint.join(group, nif, from);
            output().event(
                            1,
                            "joined " + AddressFormat.text(group)
                                    + (from != null ? " from " + AddressFormat.text(from) : "") + " on " + nif.getName()
                                    + (interfaceName == null ? " (the system's choice)" : ""),
                            Json.event("join")
                                    .put("group", AddressFormat.text(group))
                                    .put("interface", nif.getName())
                                    .put("source", from == null ? null : AddressFormat.text(from)));
            InetSocketAddress target = new InetSocketAddress(group, port);
            if (interactive.wanted(stdio())) {
                try {
                    return DatagramRepl.run(
                            output(),
                            endpoint,
                            AddressFormat.hostPort(target),
                            () -> send ? target : null,
                            "typed lines go to the group only with --send",
                            nif,
                            count == null ? 0 : count,
                            idleTimeout,
                            null,
                            null);
                } finally {
                    leaveAll(endpoint);
                    summary(endpoint);
                }
            }
            if (send) {
                stdinLines(payload -> endpoint.send(payload, target));
            }
            try {
                return receive(endpoint, printer, count == null ? 0 : count, idleTimeout);
            } finally {
                leaveAll(endpoint);
                summary(endpoint);
            }
        }
    }

    /** Leaves every group (Node dropMembership) and says so; safe to call twice. */
    private void leaveAll(DatagramEndpoint endpoint) {
        for (MembershipKey k : endpoint.memberships()) {
            if (endpoint.leave(k.group())) {
                output().event(
                                1,
                                "left " + AddressFormat.text(k.group()) + " on "
                                        + k.networkInterface().getName(),
                                Json.event("leave")
                                        .put("group", AddressFormat.text(k.group()))
                                        .put("interface", k.networkInterface().getName()));
            }
        }
    }

    /** GROUP must be a multicast literal: usage error otherwise. */
    static InetAddress group(String text) {
        String expected = "expected an IPv4 multicast address in 224.0.0.0/4 or IPv6 in ff00::/8";
        if (IpLiteral.family(text) == 0) {
            throw NetkitException.invalidValue("GROUP", text, expected);
        }
        try {
            InetAddress a = InetAddress.getByName(text); // a literal: no look-up
            if (!a.isMulticastAddress()) {
                throw NetkitException.invalidValue("GROUP", text, expected);
            }
            return a;
        } catch (UnknownHostException e) {
            throw NetkitException.invalidValue("GROUP", text, expected);
        }
    }
}
