package netkit.engine.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of the trust stores: {@code --cafile}'s CAs first, the JDK's store asked for (and so
 * loaded) only when they did not vouch for the chain; the answer is the same as asking both.
 */
class PeerVerifierTest {
    @TempDir
    static Path dir;

    static TestPki pki;
    static X509ExtendedTrustManager fromFile;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", PemCertificates.read(pki.ca, "--cafile").get(0));
        fromFile = TrustStore.checker(ks);
    }

    /** A store that counts how often it is asked for, and trusts nothing of the test PKI. */
    private static Supplier<X509ExtendedTrustManager> counted(AtomicInteger asked) {
        X509ExtendedTrustManager jdk = TrustStore.jdkOnDemand().get();
        return () -> {
            asked.incrementAndGet();
            return jdk;
        };
    }

    private static X509Certificate[] chain(Path pem) throws Exception {
        return PemCertificates.read(pem, "--cert").toArray(X509Certificate[]::new);
    }

    @Test
    void aChainTheCaFileVouchesForNeverAsksForTheSystemStore() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        PeerVerifier v = new PeerVerifier(List.of(() -> fromFile, counted(asked)), List.of(), false);
        v.checkServerTrusted(chain(pki.serverChain), "ECDHE_ECDSA", (SSLEngine) null);
        assertEquals(0, asked.get());
    }

    @Test
    void aChainTheCaFileDoesNotKnowIsCheckedAgainstTheSystemStoreOnceAndRejectedWithAHint() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        PeerVerifier v = new PeerVerifier(List.of(() -> fromFile, counted(asked)), List.of(), false);
        CertificateException e = assertThrows(
                CertificateException.class,
                () -> v.checkServerTrusted(chain(pki.untrustedCert), "ECDHE_ECDSA", (SSLEngine) null));
        assertEquals(1, asked.get());
        assertTrue(e.getMessage().startsWith("unknown certificate authority"), e.getMessage());
    }

    @Test
    void aSystemStoreThatCannotBeLoadedIsACertificateFailureNotACrash() throws Exception {
        PeerVerifier v = new PeerVerifier(
                List.of(() -> fromFile, () -> {
                    throw new IllegalStateException("cannot load the system trust store: broken");
                }),
                List.of(),
                false);
        CertificateException e = assertThrows(
                CertificateException.class,
                () -> v.checkServerTrusted(chain(pki.untrustedCert), "ECDHE_ECDSA", (SSLEngine) null));
        assertTrue(e.getMessage().contains("cannot load the system trust store"), e.getMessage());
    }
}
