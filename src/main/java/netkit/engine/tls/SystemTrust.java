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
 * A trust store's checker, loaded once on first use or ahead of it on a thread of its own. The
 * JDK's store ({@code cacerts}, ~150 certificates to parse) costs ~30-60 ms of a fresh JVM's CPU: a
 * client that trusts it alone starts loading it while it connects and says hello ({@link #ahead}),
 * a client with {@code --cafile} loads it only when that file's CAs did not vouch for the peer
 * ({@link #onDemand}): the answer is the same (a chain is trusted when either store validates it).
 */
final class SystemTrust implements Supplier<X509ExtendedTrustManager> {
    private final FutureTask<X509ExtendedTrustManager> load;
    private final boolean ahead;

    private SystemTrust(KeyStore store, boolean ahead) {
        this.load = new FutureTask<>(() -> trustManager(store));
        this.ahead = ahead;
    }

    /** The JDK's trust store, loading now on a daemon thread. */
    static SystemTrust ahead() {
        SystemTrust t = new SystemTrust(null, true);
        Thread.ofPlatform().daemon().name("netkit-trust-store").start(t.load);
        return t;
    }

    /** The JDK's trust store, loaded by the first {@link #get}. */
    static SystemTrust onDemand() {
        return new SystemTrust(null, false);
    }

    /** The checker of {@code store}'s certificates (not the JDK's), built now. */
    static X509ExtendedTrustManager of(KeyStore store) throws GeneralSecurityException {
        return trustManager(store);
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

    private static X509ExtendedTrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
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
