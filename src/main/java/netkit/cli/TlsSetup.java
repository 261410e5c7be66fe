package netkit.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import netkit.NetkitException;
import netkit.engine.scan.PortProbe;
import netkit.engine.scan.PortState;
import netkit.engine.stream.TransportLayer;
import netkit.engine.tcp.Connector;
import netkit.engine.tls.Fingerprints;
import netkit.engine.tls.TlsLayer;
import netkit.engine.tls.TlsSettings;
import netkit.output.Json;
import netkit.output.Output;

/**
 * Turns the TLS options into the engine's {@link TlsLayer} and prints what the user must see at
 * start-up (the {@code --insecure} warning, the server's fingerprint). Only called with
 * {@code --tls}: this class is where the commands first touch TLS, so plain runs never load it.
 */
final class TlsSetup {
    /** How long an accepted client has for its handshake. */
    static final Duration SERVER_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private TlsSetup() {}

    /** The client layer of {@code tcp-connect --tls}; {@code timeout} bounds the handshake too. */
    static TransportLayer client(TlsConnectOptions o, Duration timeout, Output output) {
        return client(o, timeout, output, "");
    }

    /**
     * A client layer whose options carry {@code prefix} on the command line ({@code "forward-"} for
     * {@code tcp-listen --forward-tls}): the errors and the warning name them so.
     */
    static TransportLayer client(TlsConnectOptions o, Duration timeout, Output output, String prefix) {
        checkPair(o.cert, o.key, prefix);
        if (o.insecure && !o.pins.isEmpty()) {
            throw NetkitException.usage(opt(prefix, "insecure") + " and " + opt(prefix, "pin") + " cannot be combined ("
                    + opt(prefix, "pin") + " checks the certificate exactly)");
        }
        if (o.noSystemCa && o.caFile == null && o.pins.isEmpty() && !o.insecure) {
            throw NetkitException.usage(opt(prefix, "no-system-ca") + " needs " + opt(prefix, "cafile") + " FILE (or "
                    + opt(prefix, "pin") + "): nothing would be trusted");
        }
        String min = version(o.tlsMin, true, opt(prefix, "tls-min"));
        if ((min.equals("1.0") || min.equals("1.1")) && !o.insecure) {
            throw NetkitException.invalidValue(
                    opt(prefix, "tls-min"),
                    o.tlsMin,
                    "TLS 1.0 and 1.1 are broken: only with " + opt(prefix, "insecure"));
        }
        List<String> pins = new ArrayList<>();
        for (String p : o.pins) {
            String n = Fingerprints.normalizePin(p);
            if (n == null) {
                throw NetkitException.invalidValue(
                        opt(prefix, "pin"),
                        p,
                        "expected sha256:BASE64 (public key hash) or sha256:AB:CD:... (certificate fingerprint)");
            }
            pins.add(n);
        }
        if (o.sni != null && o.sni.isBlank()) {
            throw NetkitException.invalidValue(opt(prefix, "sni"), o.sni, "expected a host name");
        }
        TlsLayer layer = TlsLayer.client(
                new TlsSettings(
                        o.caFile,
                        !o.noSystemCa,
                        o.sni,
                        o.insecure,
                        pins,
                        o.cert,
                        o.key,
                        o.alpn,
                        min,
                        false,
                        timeout,
                        List.of()),
                prefix);
        if (o.insecure) {
            output.warn(opt(prefix, "insecure") + ": the " + (prefix.isEmpty() ? "server" : "upstream")
                    + "'s certificate is not checked; anyone in the path can read and change this traffic");
        }
        return layer;
    }

    /** {@code --NAME} as this side of the command spells it. */
    private static String opt(String prefix, String name) {
        return "--" + prefix + name;
    }

    /** The server layer of {@code tcp-listen --tls}; prints the certificate's fingerprint with {@code -v}. */
    static TransportLayer server(TlsListenOptions o, String listenAddress, Output output) {
        checkPair(o.cert, o.key, "");
        if (o.requireClientCert && o.caFile == null) {
            throw NetkitException.usage(
                    "--require-client-cert needs --cafile FILE (the CAs client certificates must come from)");
        }
        String min = version(o.tlsMin, false, "--tls-min");
        TlsLayer layer = TlsLayer.server(new TlsSettings(
                o.caFile,
                false,
                null,
                false,
                List.of(),
                o.cert,
                o.key,
                o.alpn,
                min,
                o.requireClientCert,
                SERVER_HANDSHAKE_TIMEOUT,
                listenAddress == null ? List.of() : List.of(listenAddress)));
        String fingerprint = Fingerprints.certificate(layer.certificate());
        output.event(
                1,
                "tls certificate sha256 " + fingerprint,
                Json.event("certificate")
                        .put("fingerprint", fingerprint)
                        .put("publicKey", Fingerprints.publicKey(layer.certificate()))
                        .put(
                                "subject",
                                layer.certificate().getSubjectX500Principal().getName())
                        .put("ephemeral", layer.ephemeral())
                        .put(
                                "notAfter",
                                layer.certificate().getNotAfter().toInstant().toString()));
        return layer;
    }

    /**
     * {@code tcp-connect --tls -z}: each port is open when the TLS handshake completed. A certificate
     * problem is a fact about that port, not the end of the scan: it is printed for the port (a
     * warning line, or a JSON {@code tls-error} event), and the port counts as not open.
     */
    static PortProbe probe(Connector connector, String host, Output output) {
        PortProbe through = connector.asProbe();
        return port -> {
            try {
                return through.probe(port);
            } catch (NetkitException e) {
                if (!"ETLS".equals(e.code())) {
                    throw e;
                }
                if (output.json()) {
                    output.event(
                            0,
                            "",
                            Json.event("tls-error")
                                    .put("host", host)
                                    .put("port", port)
                                    .put("code", e.code())
                                    .put("message", e.getMessage()));
                } else {
                    output.warn(host + " " + port + ": " + e.getMessage());
                }
                return PortState.CLOSED;
            }
        };
    }

    private static void checkPair(Path cert, Path key, String prefix) {
        if (cert != null && key == null) {
            throw NetkitException.usage(
                    opt(prefix, "cert") + " needs " + opt(prefix, "key") + " FILE (its private key)");
        }
        if (key != null && cert == null) {
            throw NetkitException.usage(
                    opt(prefix, "key") + " needs " + opt(prefix, "cert") + " FILE (its certificate)");
        }
    }

    private static String version(String v, boolean legacyAllowed, String option) {
        return switch (v) {
            case "1.2", "1.3" -> v;
            case "1.0", "1.1" -> {
                if (!legacyAllowed) {
                    throw NetkitException.invalidValue(option, v, "expected 1.2 or 1.3");
                }
                yield v;
            }
            default -> throw NetkitException.invalidValue(option, v, "expected 1.2 or 1.3");
        };
    }
}
