package netkit.engine.proxy;

import netkit.ExitCode;
import netkit.NetkitException;

/**
 * The failures of a proxy hop as the exit-code table sees them (SPEC §14): the proxy refused the
 * request, the credentials or spoke something else — exit 8, code {@code EPROXY}; the target behind
 * it refused (exit 3), could not be reached (1) or timed out (4).
 */
final class ProxyErrors {
    /** The Node-style code of a proxy's own refusal or protocol error. */
    static final String CODE = "EPROXY";

    private ProxyErrors() {}

    /** {@code proxy 127.0.0.1:1080 refused: connection not allowed by ruleset}. */
    static NetkitException refused(ProxyUrl hop, String reply) {
        return new NetkitException(ExitCode.PROXY, CODE, hop.name() + " refused: " + reply, null);
    }

    /** The proxy answered something that is not its protocol, or broke off the exchange. */
    static NetkitException protocol(ProxyUrl hop, String what) {
        return new NetkitException(ExitCode.PROXY, CODE, hop.name() + ": " + what, null);
    }

    /** The target behind the proxy refused the connection: exit 3, as if we had dialed it. */
    static NetkitException targetRefused(ProxyUrl hop, String target, String reply) {
        return new NetkitException(
                ExitCode.REFUSED,
                "ECONNREFUSED",
                hop.name() + ": connect to " + target + ": connection refused (" + reply + ")",
                null);
    }

    /** The proxy could not reach the target: exit 1 with the code of the reason. */
    static NetkitException targetUnreachable(ProxyUrl hop, String target, String code, String reply) {
        return new NetkitException(ExitCode.FAILURE, code, hop.name() + ": connect to " + target + ": " + reply, null);
    }

    /** The proxy timed out reaching the target: exit 4. */
    static NetkitException targetTimedOut(ProxyUrl hop, String target, String reply) {
        return new NetkitException(
                ExitCode.TIMEOUT,
                "ETIMEDOUT",
                hop.name() + ": connect to " + target + ": timed out (" + reply + ")",
                null);
    }
}
