package netkit.engine.tls;

import java.security.cert.CertificateException;

/**
 * A peer certificate rejected with a message that already says what failed and what to do; the
 * trust managers throw it, {@link TlsErrors} finds it in the handshake exception's causes.
 */
final class TlsFailure extends CertificateException {
    private static final long serialVersionUID = 1L;

    TlsFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
