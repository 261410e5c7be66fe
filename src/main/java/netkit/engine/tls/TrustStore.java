package netkit.engine.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust stores' checkers. The JDK's store ({@code cacerts}, ~150 certificates to parse) costs
 * ~30-60 ms of a fresh JVM's CPU, so it is loaded once, when it can matter: a client that trusts it
 * alone starts loading it while it connects and says hello ({@link #jdkAhead}), a client with
 * {@code --cafile} loads it only when that file's CAs did not vouch for the peer
 * ({@link #jdkOnDemand}): the answer is the same (a chain is trusted when either store validates it).
 */
final class TrustStore implements Supplier<X509ExtendedTrustManager> {
    private final FutureTask<X509ExtendedTrustManager> load = new FutureTask<>(() -> checker(null));
    private final boolean ahead;

    private TrustStore(boolean ahead) {
        this.ahead = ahead;
    }

    /** The JDK's trust store, loading now on a daemon thread. */
    static TrustStore jdkAhead() {
        TrustStore t = new TrustStore(true);
        Thread.ofPlatform().daemon().name("netkit-trust-store").start(t.load);
        return t;
    }

    /** The JDK's trust store, loaded by the first {@link #get}. */
    static TrustStore jdkOnDemand() {
        return new TrustStore(false);
    }

    @Override
    public X509ExtendedTrustManager get() {
        if (!ahead) {
            load.run(); // runs once; later calls return at once
        }
        try {
            return load.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading the system trust store", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot load the system trust store: " + e.getCause().getMessage(), e);
        }
    }

    /** The checker of {@code ks}'s certificates (null: the JDK's store), built now. */
    static X509ExtendedTrustManager checker(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }
}
