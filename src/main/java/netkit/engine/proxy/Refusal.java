package netkit.engine.proxy;

/**
 * Why the proxy server did not open a tunnel; each protocol turns it into its own reply (a SOCKS5
 * REP code, SOCKS4's 91, an HTTP status line).
 */
final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** --proxy-allow/--proxy-deny, or the credentials. */
        DENIED(2, "403 Forbidden", "EACCES"),
        REFUSED(5, "502 Connection Refused", "ECONNREFUSED"),
        UNREACHABLE(4, "502 Host Unreachable", "EHOSTUNREACH"),
        NOT_FOUND(4, "502 Host Not Found", "ENOTFOUND"),
        TIMEOUT(6, "504 Gateway Timeout", "ETIMEDOUT"),
        FAILURE(1, "502 Bad Gateway", "EIO");

        final int socks5;
        final String httpStatus;
        /** The close event's code for a tunnel refused this way. */
        final String code;

        Kind(int socks5, String httpStatus, String code) {
            this.socks5 = socks5;
            this.httpStatus = httpStatus;
            this.code = code;
        }
    }

    final Kind kind;

    Refusal(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }
}
