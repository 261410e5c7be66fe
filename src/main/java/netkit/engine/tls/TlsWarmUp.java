package netkit.engine.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * Start-up work every TLS run needs, begun on a second thread as soon as {@code --tls} is seen, so
 * it overlaps the parsing of the command line instead of following it. The largest part is JDK 25's
 * table of multiples of the P-256 generator (a class initializer that runs ~100 ms in a fresh JVM):
 * a JSSE client builds a P-256 key share in every ClientHello, and checking an ECDSA P-256
 * certificate multiplies the generator too. Then the X25519 key share, the secure random's seed and
 * JSSE's protocol and cipher suite tables. For a client that checks the server's name, also the
 * JDK's list of its own trust anchors: JSSE's name check asks whether the chain ends in a CA of
 * the JDK's {@code cacerts} (whose ~150 certificates it parses, ~50 ms, even when {@code --cafile}
 * vouched for the chain). Nothing is kept: the key pairs are thrown away; what remains is
 * initialized classes and code the JIT has seen. Measured in BENCHMARKS.md ("TLS start-up and throughput, third pass").
 */
public final class TlsWarmUp {
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private TlsWarmUp() {}

    /**
     * Starts the warm-up once per process (a daemon thread: it never delays the exit);
     * {@code checksNames}: a client that will check the server's certificate and name.
     */
    public static void start(boolean checksNames) {
        if (STARTED.compareAndSet(false, true)) {
            Thread.ofPlatform().daemon().name("netkit-tls-warm-up").start(() -> run(checksNames));
        }
    }

    private static void run(boolean checksNames) {
        try {
            KeyPairGenerator p256 = KeyPairGenerator.getInstance("EC");
            p256.initialize(new ECGenParameterSpec("secp256r1"));
            p256.generateKeyPair();
            KeyPairGenerator.getInstance("X25519").generateKeyPair();
            SSLContext.getInstance("TLS");
            if (checksNames) {
                // an internal class of java.base, named because no public call loads it alone; when a
                // later JDK renames it, this line does nothing and the handshake loads what it needs
                Class.forName("sun.security.util.AnchorCertificates", true, null);
            }
        } catch (GeneralSecurityException | ClassNotFoundException | RuntimeException | LinkageError e) {
            // only a warm-up: the real set-up reports whatever fails
        }
    }
}
