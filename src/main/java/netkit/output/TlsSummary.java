package netkit.output;

import java.util.Map;

/**
 * A TLS session in one line, as the {@code tls} event, the REPL's notice and {@code /stats} show it
 * (SPEC §13): {@code TLSv1.3 TLS_AES_128_GCM_SHA256, peer CN=…, alpn h2}.
 */
public final class TlsSummary {
    private TlsSummary() {}

    /** The summary of a transport's {@code details()}, or null when they describe no TLS session. */
    public static String text(Map<String, Object> details) {
        if (details.get("protocol") == null) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        text.append(details.get("protocol")).append(' ').append(details.get("cipher"));
        if (details.get("peerSubject") != null) {
            text.append(", peer ").append(details.get("peerSubject"));
            if (!Boolean.TRUE.equals(details.get("verified"))) {
                text.append(" (not verified)");
            }
        }
        if (details.get("alpn") != null) {
            text.append(", alpn ").append(details.get("alpn"));
        }
        return text.toString();
    }
}
