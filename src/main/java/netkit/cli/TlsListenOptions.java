package netkit.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code tcp-listen}'s TLS options (SPEC §13). Plain fields only: picocli reflects over this class
 * on every run, and nothing of TLS may load without {@code --tls} ({@link TlsSetup} does the work).
 */
public final class TlsListenOptions {
    @Option(
            names = "--tls",
            description =
                    "Serve TLS 1.2/1.3 in every mode (relay, -k, --echo, --broker, --chat, -e); stdin, stdout and "
                            + "the modes see the plaintext. Without --cert/--key a throwaway certificate is made at start-up "
                            + "(EC P-256, self-signed, for localhost, 127.0.0.1, ::1 and ADDRESS, valid 1 day); -v prints "
                            + "its fingerprint on a line of its own ('tls certificate sha256 AB:CD:...') for a client's "
                            + "--pin. A client's handshake must finish within 10s; a failed one ends that client only "
                            + "(logged with -v). Each client's close_notify is its EOF; one that closes without it is "
                            + "logged as truncated.")
    boolean tls;

    @Option(
            names = "--cert",
            paramLabel = "FILE",
            description = "With --tls: the server certificate (PEM), followed by its chain. Needs --key.")
    Path cert;

    @Option(
            names = "--key",
            paramLabel = "FILE",
            description = "With --cert: its private key (PEM: PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted).")
    Path key;

    @Option(
            names = "--cafile",
            paramLabel = "FILE",
            description = "With --tls: CA certificates (PEM bundle) that client certificates must come from; a client "
                    + "certificate is asked for and checked when sent. See --require-client-cert.")
    Path caFile;

    @Option(
            names = "--require-client-cert",
            description = "With --tls and --cafile: a client must present a certificate from those CAs (mutual TLS); "
                    + "one without is refused at the handshake.")
    boolean requireClientCert;

    @Option(
            names = "--alpn",
            paramLabel = "PROTO",
            split = ",",
            description = "With --tls: the ALPN protocols accepted, preferred first; a client that offers none of "
                    + "them is refused.")
    List<String> alpn = new ArrayList<>();

    @Option(
            names = "--tls-min",
            paramLabel = "VERSION",
            defaultValue = "1.2",
            description = "With --tls: the oldest TLS version accepted: 1.2 (default) or 1.3.")
    String tlsMin;

    static final List<String> NAMES =
            List.of("--tls", "--cert", "--key", "--cafile", "--require-client-cert", "--alpn", "--tls-min");
}
