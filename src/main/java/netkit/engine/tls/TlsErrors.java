package netkit.engine.tls;

import java.util.Locale;
import java.util.regex.Pattern;
import netkit.ExitCode;
import netkit.NetkitException;

/**
 * JSSE's exceptions as the one-line TLS errors of SPEC §13 (exit 7, code {@code ETLS}): what
 * failed and what to do about it, never the JDK's class names.
 */
final class TlsErrors {
    private TlsErrors() {}

    /**
     * @param peer   who we talk to, as events name it
     * @param client whether we are the client (the advice differs)
     */
    static NetkitException map(Throwable e, String peer, boolean client) {
        if (e instanceof NetkitException n) {
            return n;
        }
        return tls(peer + ": " + reason(e, client), e);
    }

    /** The client options our messages name, which another side of a command has under a prefix. */
    private static final Pattern CLIENT_OPTION =
            Pattern.compile("(?<![\\w-])--(cafile|no-system-ca|sni|insecure|pin|cert|key|alpn|tls-min)(?![\\w-])");

    /**
     * {@code e} with the options it names under {@code --PREFIX} ({@code --forward-cafile} where the
     * options of this side are {@code --forward-…}); {@code e} itself for the empty prefix.
     */
    static NetkitException named(NetkitException e, String prefix) {
        String m = e.getMessage();
        if (prefix.isEmpty() || m == null) {
            return e;
        }
        String renamed = CLIENT_OPTION.matcher(m).replaceAll("--" + prefix + "$1");
        return renamed.equals(m) ? e : new NetkitException(e.exitCode(), e.code(), renamed, e.getCause());
    }

    static NetkitException tls(String message, Throwable cause) {
        return new NetkitException(ExitCode.TLS, "ETLS", message, cause);
    }

    private static String reason(Throwable e, boolean client) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TlsFailure f) {
                return f.getMessage();
            }
        }
        String m = String.valueOf(e.getMessage());
        if (m.startsWith("(") && m.indexOf(") ") > 0) {
            m = m.substring(m.indexOf(") ") + 2); // JSSE prefixes the alert's name: "(bad_certificate) Received …"
        }
        String lower = m.toLowerCase(Locale.ROOT);
        if (lower.startsWith("received fatal alert: ")) {
            String alert = m.substring("received fatal alert: ".length()).trim();
            return switch (alert) {
                case "certificate_required" -> "the server requires a client certificate (use --cert FILE --key FILE)";
                case "bad_certificate",
                        "certificate_unknown",
                        "unknown_ca",
                        "unsupported_certificate",
                        "certificate_expired",
                        "certificate_revoked" ->
                    client
                            ? "the server rejected our client certificate (alert " + alert + ")"
                            : "the client rejected our certificate (alert " + alert + "): it does not trust it; "
                                    + "give it our CA (--cafile) or our fingerprint (--pin)";
                case "protocol_version" -> "handshake failed: no TLS version in common (see --tls-min)";
                case "no_application_protocol" -> "handshake failed: no ALPN protocol in common (see --alpn)";
                case "handshake_failure", "insufficient_security" ->
                    "handshake failed: the peer found nothing in common with us (alert " + alert + ")";
                case "unrecognized_name" -> "the server does not know the name we asked for (SNI; see --sni)";
                default -> "handshake failed: the peer sent alert " + alert;
            };
        }
        if (lower.contains("no cipher suites in common") || lower.contains("no appropriate cipher suite")) {
            return "handshake failed: no shared cipher";
        }
        if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("plaintext connection")) {
            return "handshake failed: the peer does not speak TLS (a plain TCP service on that port?)";
        }
        if (lower.contains("empty client certificate chain")) {
            return "the client sent no certificate (--require-client-cert)";
        }
        if (lower.contains("protocol version")
                || lower.contains("no appropriate protocol")
                || lower.contains("client requested protocol")
                || lower.contains("not accepted by client preferences")) {
            return "handshake failed: no TLS version in common (see --tls-min)";
        }
        if (lower.contains("no application protocol") || lower.contains("application protocol")) {
            return "handshake failed: no ALPN protocol in common (see --alpn)";
        }
        return "TLS failed: " + m;
    }
}
