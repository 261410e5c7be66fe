package netkit.engine.proxy;

/**
 * Why the proxy server did not open a tunnel; each protocol turns it into its own reply (a SOCKS5
 * REP code, SOCKS4's 91, an HTTP status line).
 */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** --proxy-allow/--proxy-deny, or the credentials. */
        DENIED(2, "403 Forbidden"),
        REFUSED(5, "502 Connection Refused"),
        UNREACHABLE(4, "502 Host Unreachable"),
        NOT_FOUND(4, "502 Host Not Found"),
        TIMEOUT(6, "504 Gateway Timeout"),
        UNSUPPORTED(7, "405 Method Not Allowed"),
        FAILURE(1, "502 Bad Gateway");

        final int socks5;
        final String httpStatus;

        Kind(int socks5, String httpStatus) {
            this.socks5 = socks5;
            this.httpStatus = httpStatus;
        }
    }

    final Kind kind;

    Refusal(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }
}
