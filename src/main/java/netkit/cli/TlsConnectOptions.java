package netkit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code tcp-connect}'s TLS options (SPEC §13). Plain fields only: picocli reflects over this
 * class on every run, and nothing of TLS may load without {@code --tls} ({@link TlsSetup} does the work).
 */
public final class TlsConnectOptions {
    @Option(
            names = "--tls",
            description = "Speak TLS 1.2/1.3 over the connection; stdin and stdout carry the plaintext. The server's "
                    + "certificate is verified: it must come from a CA the JDK trusts (or --cafile) and name HOST "
                    + "(or --sni NAME). Nothing is sent before the handshake succeeded. Our stdin EOF sends "
                    + "close_notify and the reply is still read (TLS 1.3); the server's close_notify ends the "
                    + "session; a connection closed without close_notify is reported as truncated (exit 1). "
                    + "TLS problems exit 7 (JSON code ETLS). With -z a port is open when the handshake completed; "
                    + "a certificate problem is printed for its port. The handshake has the connect timeout (-w).")
    boolean tls;

    @Option(
            names = "--cafile",
            paramLabel = "FILE",
            description = "With --tls: also trust the CA certificates of this PEM bundle (with --no-system-ca: "
                    + "only them).")
    Path caFile;

    @Option(
            names = "--no-system-ca",
            description = "With --tls: do not trust the JDK's CA certificates; only --cafile.")
    boolean noSystemCa;

    @Option(
            names = "--sni",
            paramLabel = "NAME",
            description = "With --tls: send NAME as the server name (SNI) and check the certificate against NAME "
                    + "instead of HOST (connect by address, check by name). Default: HOST, sent as SNI when it is "
                    + "a name.")
    String sni;

    @Option(
            names = "--insecure",
            description = "With --tls: do not check the server's certificate at all (any certificate, any name); "
                    + "says so once on stderr. The traffic is encrypted but anyone in the path can read it. Use "
                    + "--pin for a self-signed server instead.")
    boolean insecure;

    @Option(
            names = "--pin",
            paramLabel = "PIN",
            description = "With --tls: accept exactly the server certificate matching PIN, with or without CA trust "
                    + "and whatever its names: sha256:BASE64 is the hash of its public key (curl's "
                    + "--pinnedpubkey form), sha256:AB:CD:... its SHA-256 fingerprint (what 'tcp-listen --tls -v' "
                    + "and 'openssl x509 -fingerprint -sha256' print). Repeatable: any of them matches.")
    List<String> pins = new ArrayList<>();

    @Option(
            names = "--cert",
            paramLabel = "FILE",
            description = "With --tls: present this client certificate (PEM; the chain may follow it in the file). "
                    + "Needs --key.")
    Path cert;

    @Option(
            names = "--key",
            paramLabel = "FILE",
            description = "With --cert: its private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted).")
    Path key;

    @Option(
            names = "--alpn",
            paramLabel = "PROTO",
            split = ",",
            description =
                    "With --tls: offer these ALPN protocols, e.g. h2,http/1.1; the chosen one is in the tls event.")
    List<String> alpn = new ArrayList<>();

    @Option(
            names = "--tls-min",
            paramLabel = "VERSION",
            defaultValue = "1.2",
            description = "With --tls: the oldest TLS version accepted: 1.2 (default) or 1.3. 1.0 and 1.1 (broken; for "
                    + "old devices) only with --insecure.")
    String tlsMin;

    /** The option names of this class, for "needs --tls" and the scan's allowed options. */
    static final List<String> NAMES = List.of(
            "--tls",
            "--cafile",
            "--no-system-ca",
            "--sni",
            "--insecure",
            "--pin",
            "--cert",
            "--key",
            "--alpn",
            "--tls-min");
}
