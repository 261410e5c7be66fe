package netkit.engine.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the TLS options ask for (SPEC §13), for one side.
 *
 * @param caFile            PEM bundle of extra trusted CAs (client: added to the system's unless
 *                          {@code systemCa} is false; server: the CAs client certificates must come from)
 * @param systemCa          whether the JDK's trust store is trusted too (client)
 * @param sni               the name to send as SNI and check the certificate against instead of HOST, or null
 * @param insecure          skip every check of the peer's certificate (client)
 * @param pins              {@code --pin} values as {@link Fingerprints#normalizePin} returns them
 * @param cert              our certificate chain (PEM), or null (server: an ephemeral one is made)
 * @param key               our private key (PEM), with {@code cert}
 * @param alpn              ALPN protocols to offer (client) or accept, in preference order (server)
 * @param minVersion        {@code 1.0}, {@code 1.1}, {@code 1.2} or {@code 1.3}
 * @param requireClientCert server: demand a client certificate from {@code caFile}'s CAs
 * @param handshakeTimeout  give up a handshake after this long (null: never)
 * @param listenNames       server: extra names of the ephemeral certificate (the listen address)
 */
public record TlsSettings(
        Path caFile,
        boolean systemCa,
        String sni,
        boolean insecure,
        List<String> pins,
        Path cert,
        Path key,
        List<String> alpn,
        String minVersion,
        boolean requireClientCert,
        Duration handshakeTimeout,
        List<String> listenNames) {

    public TlsSettings {
        pins = List.copyOf(pins);
        alpn = List.copyOf(alpn);
        listenNames = List.copyOf(listenNames);
    }

    /** Whether the client accepts the peer by pin (and only by pin). */
    boolean pinned() {
        return !pins.isEmpty();
    }
}
