package netkit.cli;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.proxy.ProxyChain;
import netkit.engine.proxy.ProxyUrl;
import netkit.engine.stream.Resolver;
import netkit.engine.stream.Target;
import netkit.engine.stream.TransportLayer;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Connector;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.Relay;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.SocketTuning;
import netkit.net.Family;
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
        header = "Connect and relay over TCP, TLS or Unix, or check ports (-z)",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # send a file, print the answer (nc HOST 80 < request.txt)",
            "  netkit tcp-connect HOST 80 < request.txt",
            "  # which ports are open, exit 0 if any (nc -z)",
            "  netkit tcp-connect -z 127.0.0.1 22,80,8000-8100",
            "  # connect timeout and a hex dump (ncat -w 2 -x dump.txt)",
            "  netkit tcp-connect -w 2s -x dump.txt HOST 25",
            "  # end 1s after stdin ends (nc -q 1)",
            "  netkit tcp-connect -q 1s HOST 80 < request.txt"
        },
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
                    + "port without sending anything and exits 0 when at least one is open, 1 when none is.",
            "",
            "With --proxy URL (repeatable: a chain) the connection goes through SOCKS5, SOCKS4 or HTTP CONNECT "
                    + "proxies; exit 8 when a proxy refuses the request or the credentials, 3 when HOST refused "
                    + "behind it. A drop-in for ssh: ProxyCommand netkit tcp-connect --proxy socks5h://proxy:1080 %%h %%p"
        })
public final class TcpConnectCommand extends BaseCommand implements OptionalValue.UnixOrPositionals {
    @Override
    public int positionalsWithoutUnix() {
        return 2; // HOST PORT
    }

    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "HOST",
            description = "Host name or IP address (IPv6 with an optional %%zone). Not with -U.")
    String host;

    @Parameters(
            index = "1",
            arity = "0..1",
            paramLabel = "PORT",
            description =
                    "Port to connect to, 1-65535. With -z: a port, a list and/or ranges, e.g. 22,80,8000-8100 or 1-65535.")
    String port;

    @Mixin
    FamilyOptions family = new FamilyOptions();

    @Option(
            names = {"-U", "--unix"},
            paramLabel = "PATH",
            description = "Connect to the Unix-domain stream socket at PATH instead of HOST PORT (nc -U); the session "
                    + "is the same. -4/-6, -s/-p, --keepalive and --nodelay do not apply. Linux abstract names "
                    + "(@name) are not supported.")
    Path unix;

    @Option(
            names = {"-s", "--source"},
            paramLabel = "ADDR",
            description = "Local address to bind before connecting.")
    String source;

    @Option(
            names = {"-p", "--source-port"},
            paramLabel = "PORT",
            converter = Converters.ListenPortConverter.class,
            description = "Local port to bind before connecting (0 = any).")
    int sourcePort;

    @Option(
            names = {"-w", "--connect-timeout"},
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "Give up connecting after DUR, exit 4. 0 = no limit. Default: 10s (2s with -z).")
    Duration connectTimeout;

    @Option(
            names = {"-z", "--scan"},
            description = "Port check instead of a session: connect to each port of PORT (then a port, a list and/or "
                    + "ranges such as 22,80,8000-8100 or 1-65535), send nothing, close; many ports at once. "
                    + "Open ports are printed on stdout as 'HOST PORT open', in port order; -v adds closed and "
                    + "filtered ports on stderr, --json prints one record per port. A single port is silent like "
                    + "nc -z. Exit 0 when a port is open, 1 when none is. The connect timeout (-w) is 2s here. "
                    + "Session options (-o, -i, -x, -C, -q, -s, -p, …) cannot be combined with it: exit 2.")
    boolean scan;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "With -z: probe at most N ports at once (default 200). Closed and open ports answer at once; "
                    + "filtered ones hold a probe until the timeout, so they cost about ceil(filtered/N) x timeout. "
                    + "Every probe in flight holds a file descriptor.")
    Integer concurrency;

    @Option(
            names = "--proxy",
            paramLabel = "URL",
            description = "Connect through a proxy: socks5://HOST[:PORT] (HOST PORT resolved here), socks5h:// (the "
                    + "proxy resolves names: the one to use when in doubt), socks4://, socks4a://, http:// (HTTP "
                    + "CONNECT). USER:PASSWORD@ before the host logs in (SOCKS5 username/password, HTTP Basic; "
                    + "percent-encode '@', ':' and '%%' in them as %%40, %%3A, %%25); SOCKS4 sends USER alone as its "
                    + "USERID. Default port 1080 (SOCKS) or 8080 (HTTP). Repeat for a chain, first proxy first: "
                    + "each one is asked for a tunnel to the next, the last to HOST PORT. -w bounds the connect to "
                    + "the first proxy and then the whole exchange through the chain. --tls (when given) runs "
                    + "inside the tunnel, end to end with HOST: a proxy never sees plaintext. -z checks the ports "
                    + "through the chain. Exit 8 (code EPROXY) when a proxy refuses (its reply in words: "
                    + "'proxy 127.0.0.1:1080 refused: connection not allowed by ruleset', an HTTP status line), "
                    + "rejects the credentials or does not speak its protocol; 3 when HOST refused behind it, 1 "
                    + "when the proxy could not reach it, 4 on timeout.")
    List<String> proxies = new ArrayList<>();

    @Mixin
    TcpSessionOptions session = new TcpSessionOptions();

    @Mixin
    TlsConnectOptions tls; // made by picocli: a plain port check must not load it

    @Override
    protected ExitCode run() throws InterruptedException {
        if (unix == null) {
            if (host == null || port == null) {
                throw NetkitException.usage("missing HOST PORT (or -U/--unix PATH)");
            }
            Converters.host("HOST", host);
        }
        if (source != null) {
            Converters.host("--source", source);
        }
        if (scan) {
            return scan();
        }
        if (concurrency != null) {
            throw NetkitException.usage("--concurrency needs -z/--scan");
        }
        SessionOptions options = session.sessionOptions(stdio());
        Duration timeout =
                connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout.isZero() ? null : connectTimeout;
        Connector connector;
        if (unix != null) {
            Target target = new Target.UnixPath(unixPath());
            connector =
                    new Connector(target, Family.ANY, null, 0, timeout, SocketTuning.NONE, TransportLayer.NONE, target);
        } else {
            if (host == null || port == null) {
                throw NetkitException.usage("missing HOST PORT (or -U/--unix PATH)");
            }
            int p = Converters.port("PORT", port, 1);
            Family family = this.family.family();
            connector = new Connector(host, p, family, source, sourcePort, timeout, session.tuning());
            ProxyChain chain = proxyChain(timeout, family);
            if (chain != null) {
                connector = new Connector(
                        chain.first(),
                        family,
                        source,
                        sourcePort,
                        timeout,
                        session.tuning(),
                        chain,
                        new Target.HostPort(host, p));
            }
        }
        requireTls();
        if (tls()) {
            // after the proxy hops: TLS runs end to end with HOST inside the tunnel
            connector = connector.withLayer(TlsSetup.client(tls, timeout, output()));
        }
        TcpEventPrinter events = new TcpEventPrinter(output(), false);
        boolean interactive = Interactive.wanted(session.interactive, stdio());
        try (RelayIo io = new RelayIo(session, stdio(), output(), interactive)) {
            Connection connection = connector.connect(io.totals());
            events.connected(connection);
            events.handshaken(connection);
            Outcome outcome = interactive
                    ? TcpConnectSession.run(
                            connection,
                            options,
                            TcpCommands.replTap(session, io),
                            TcpCommands.replCopy(session, io),
                            TcpCommands.replOptions(session, output()))
                    : Relay.run(connection, stdio().inChannel(), stdio().inDescriptor(), options, io.sink(), io.tap());
            if (output().enabled(2)) {
                output().event(
                                2,
                                "zero-copy: " + connection.bytesWrittenDirectly() + " of " + connection.bytesWritten()
                                        + " bytes sent, " + connection.bytesReadDirectly() + " of "
                                        + connection.bytesRead()
                                        + " received (splice/sendfile)",
                                null);
            }
            events.closed(connection, outcome);
            return TcpCommands.exitCode(outcome, options.idleTimeout());
        }
    }

    /** {@code -U PATH}, after the checks of what cannot go with it. */
    private Path unixPath() {
        Path path = UnixListenOptions.checkedPath(unix);
        UnixListenOptions.rejectIpOptions(
                spec == null ? null : spec.commandLine().getParseResult());
        if (host != null) {
            throw NetkitException.usage("HOST PORT cannot be combined with -U/--unix (got '" + host
                    + (port == null ? "" : " " + port) + "')");
        }
        return path;
    }

    /** The options that mean something in a scan; any other one given with -z is a usage error. */
    private static final Set<String> SCAN_OPTIONS = Set.of(
            "--scan",
            "--concurrency",
            "--connect-timeout",
            "-4",
            "-6",
            "--verbose",
            "--json",
            "--color",
            "--stacktrace",
            "--proxy");

    /** The --proxy chain, or null without one; usage errors for malformed URLs. */
    private ProxyChain proxyChain(Duration timeout, Family family) {
        if (proxies.isEmpty()) {
            return null;
        }
        List<ProxyUrl> hops = new ArrayList<>();
        for (String url : proxies) {
            hops.add(ProxyUrl.parse(url, "--proxy"));
        }
        return new ProxyChain(hops, timeout, family);
    }

    private void requireTls() {
        if (spec != null) { // the start-up fast path has no options but HOST and PORT
            TcpCommands.requireTls(tls(), spec, TlsConnectOptions.NAMES);
        }
    }

    /** Whether --tls was given (the start-up fast path builds no mixins). */
    private boolean tls() {
        return tls != null && tls.tls;
    }

    /** {@code -z}: PORT is a list of ports and ranges; HOST is resolved once. */
    private ExitCode scan() throws InterruptedException {
        if (unix != null) {
            throw NetkitException.usage("-z/--scan cannot be combined with -U/--unix");
        }
        if (host == null || port == null) {
            throw NetkitException.usage("missing HOST PORT");
        }
        if (source != null || sourcePort != 0) {
            throw NetkitException.usage("-s/--source and -p/--source-port cannot be combined with -z/--scan");
        }
        // A scan sends and receives nothing: a session option given with it would silently do nothing.
        // (The start-up fast path runs this without a picocli model, and only for option-free port checks.)
        for (OptionSpec given : spec == null
                ? List.<OptionSpec>of()
                : spec.commandLine().getParseResult().matchedOptions()) {
            if (!SCAN_OPTIONS.contains(given.longestName()) && !TlsConnectOptions.NAMES.contains(given.longestName())) {
                throw NetkitException.usage(String.join("/", given.names()) + " cannot be combined with -z/--scan");
            }
        }
        PortList ports = PortList.parse("PORT", port);
        Family family = this.family.family();
        Duration timeout = connectTimeout == null ? ScanRunner.DEFAULT_TIMEOUT : connectTimeout;
        int n = concurrency == null ? ScanRunner.DEFAULT_CONCURRENCY : concurrency;
        Duration t = timeout.isZero() ? null : timeout;
        ProxyChain chain = proxyChain(t, family);
        requireTls();
        if (chain == null && !tls()) {
            InetAddress address = Resolver.all(host, family).get(0);
            return ScanRunner.run(new ScanRequest(host, address, ports, timeout, n, null), output());
        }
        // each port is a whole connect through the layers: proxy hops, then TLS (open = handshake completed)
        Connector connector;
        InetAddress named;
        if (chain != null) {
            // Through proxies HOST is never resolved here (socks5h, http): the address only names the
            // first proxy in the summary.
            connector = new Connector(
                    chain.first(),
                    family,
                    null,
                    0,
                    t,
                    SocketTuning.NONE,
                    chain,
                    new Target.HostPort(host, ports.ports()[0]));
            String first = ((Target.HostPort) chain.first()).host();
            named = Resolver.all(netkit.net.IpLiteral.family(host) != 0 ? host : first, family)
                    .get(0);
        } else {
            // dialed by HOST (resolved here first, then from the JDK's cache): the name is what TLS checks
            named = Resolver.all(host, family).get(0);
            connector = new Connector(host, ports.ports()[0], family, null, 0, t, session.tuning());
        }
        netkit.engine.scan.PortProbe probe = connector.asProbe();
        if (tls()) {
            // One port: a TLS problem is the command's error (exit 7); several: printed for its port, the scan goes on.
            connector = connector.withLayer(TlsSetup.client(tls, t, output()));
            probe = ports.single() ? connector.asProbe() : TlsSetup.probe(connector, host, output());
        }
        return ScanRunner.run(new ScanRequest(host, named, ports, timeout, n, probe), output());
    }
}
