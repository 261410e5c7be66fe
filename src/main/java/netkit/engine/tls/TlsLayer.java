package netkit.engine.tls;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import netkit.NetkitException;
import netkit.engine.stream.Target;
import netkit.engine.stream.Transport;
import netkit.engine.stream.TransportLayer;
import netkit.net.IpLiteral;

/**
 * TLS as a {@link TransportLayer}: the client side for {@code tcp-connect --tls} (and a scan's
 * probes), the server side for every connection {@code tcp-listen --tls} accepts. The
 * {@link SSLContext} (trust, our certificate) is built once, when the layer is made, so a bad
 * {@code --cert} or {@code --cafile} fails at start-up; each connection gets its own engine.
 */
public final class TlsLayer implements TransportLayer {
    private final TlsSettings settings;
    private final boolean client;
    private final SSLContext context;
    private final X509Certificate certificate;
    private final boolean ephemeral;
    private final String[] protocols;
    private final String optionPrefix;

    private TlsLayer(TlsSettings settings, boolean client, String optionPrefix) {
        this.settings = settings;
        this.client = client;
        this.optionPrefix = optionPrefix;
        this.protocols = protocols(settings);
        try {
            KeyManager[] keys = null;
            X509Certificate leaf = null;
            boolean made = false;
            if (settings.cert() != null) {
                List<X509Certificate> chain = PemCertificates.read(settings.cert(), "--cert");
                PrivateKey key = Pki.get().privateKey(settings.key(), "--key");
                checkPair(key, chain.get(0), settings);
                keys = keyManagers(key, chain.toArray(X509Certificate[]::new));
                leaf = chain.get(0);
            } else if (!client) {
                Pki.Identity id = Pki.get().selfSigned(settings.listenNames());
                keys = keyManagers(id.keys().getPrivate(), new X509Certificate[] {id.certificate()});
                leaf = id.certificate();
                made = true;
            }
            this.certificate = leaf;
            this.ephemeral = made;
            this.context = SSLContext.getInstance("TLS");
            context.init(keys, new TrustManager[] {verifier()}, null);
        } catch (GeneralSecurityException | IOException e) {
            throw TlsErrors.tls("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The client side ({@code tcp-connect --tls}). */
    public static TlsLayer client(TlsSettings settings) {
        return client(settings, "");
    }

    /**
     * The client side where its options have a prefix ({@code tcp-listen --forward-tls}: "forward-"):
     * the errors name {@code --forward-cafile}, not {@code --cafile}.
     */
    public static TlsLayer client(TlsSettings settings, String optionPrefix) {
        try {
            return new TlsLayer(settings, true, optionPrefix);
        } catch (NetkitException e) {
            throw TlsErrors.named(e, optionPrefix);
        }
    }

    /** The server side ({@code tcp-listen --tls}); makes the ephemeral certificate when none is given. */
    public static TlsLayer server(TlsSettings settings) {
        return new TlsLayer(settings, false, "");
    }

    /** Our certificate (the server's: given or ephemeral), or null for a client without one. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** Whether {@link #certificate} was made at start-up (self-signed, one day). */
    public boolean ephemeral() {
        return ephemeral;
    }

    @Override
    public Transport apply(Transport inner, Target target) throws IOException {
        SSLEngine engine;
        if (client) {
            String host =
                    settings.sni() != null ? settings.sni() : target instanceof Target.HostPort hp ? hp.host() : null;
            int port = target instanceof Target.HostPort hp ? hp.port() : -1;
            if (host == null && !settings.insecure() && !settings.pinned()) {
                throw TlsErrors.named(
                        TlsErrors.tls(
                                "TLS to " + target.text() + ": no name to check the certificate "
                                        + "against (give --sni NAME, --pin or --insecure)",
                                null),
                        optionPrefix);
            }
            engine = host == null ? context.createSSLEngine() : context.createSSLEngine(stripZone(host), port);
            engine.setUseClientMode(true);
        } else {
            engine = context.createSSLEngine();
            engine.setUseClientMode(false);
        }
        engine.setEnabledProtocols(protocols);
        engine.setEnabledCipherSuites(preferred(engine.getEnabledCipherSuites()));
        SSLParameters p = engine.getSSLParameters();
        p.setUseCipherSuitesOrder(true); // a server picks by our order
        if (client) {
            if (!settings.insecure() && !settings.pinned()) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (settings.sni() != null && IpLiteral.family(settings.sni()) == 0) {
                p.setServerNames(List.of(new SNIHostName(settings.sni())));
            }
        } else if (settings.requireClientCert()) {
            p.setNeedClientAuth(true);
        } else if (settings.caFile() != null) {
            p.setWantClientAuth(true);
        }
        if (!settings.alpn().isEmpty()) {
            p.setApplicationProtocols(settings.alpn().toArray(String[]::new));
        }
        engine.setSSLParameters(p);
        boolean verified = client ? !settings.insecure() : settings.caFile() != null;
        return new TlsTransport(inner, engine, verified, settings.handshakeTimeout(), optionPrefix);
    }

    /**
     * The JDK's enabled suites, each AES-128-GCM suite moved just ahead of its AES-256-GCM twin (the
     * JDK lists AES-256 first): as safe, and cheaper per byte (10 AES rounds instead of 14; TLS 1.3's
     * mandatory suite, what Go and browsers on AES-NI machines prefer). Nothing else moves, so key
     * exchange preferences (ECDHE first) stay the JDK's.
     */
    static String[] preferred(String[] enabled) {
        List<String> all = List.of(enabled);
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (String suite : enabled) {
            String twin = suite.replace("_AES_256_GCM_SHA384", "_AES_128_GCM_SHA256");
            if (!twin.equals(suite) && all.contains(twin)) {
                out.add(twin);
            }
            out.add(suite);
        }
        return out.toArray(String[]::new);
    }

    private static String stripZone(String host) {
        int pct = host.indexOf('%');
        return pct < 0 ? host : host.substring(0, pct);
    }

    /**
     * The {@code --cafile} store is checked first and built now (a bad file fails at start-up); the
     * JDK's store is loaded only when it can matter: ahead on a thread of its own when it is the only
     * one, on demand when {@code --cafile}'s CAs did not vouch for the peer (see {@link TrustStore}).
     */
    private TrustManager verifier() throws GeneralSecurityException, IOException {
        List<Supplier<X509ExtendedTrustManager>> stores = new ArrayList<>();
        if (settings.caFile() != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : PemCertificates.read(settings.caFile(), "--cafile")) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            X509ExtendedTrustManager fromFile = TrustStore.checker(ks);
            stores.add(() -> fromFile);
        }
        if (client && settings.systemCa() && !settings.insecure() && !settings.pinned()) {
            stores.add(settings.caFile() == null ? TrustStore.jdkAhead() : TrustStore.jdkOnDemand());
        }
        return new PeerVerifier(stores, settings.pins(), client && settings.insecure());
    }

    private static KeyManager[] keyManagers(PrivateKey key, X509Certificate[] chain)
            throws GeneralSecurityException, IOException {
        char[] none = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("netkit", key, none, chain);
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(ks, none);
        return f.getKeyManagers();
    }

    /** A key that does not belong to the certificate fails every handshake obscurely: say so at start-up. */
    private static void checkPair(PrivateKey key, X509Certificate cert, TlsSettings settings) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) {
            return;
        }
        try {
            byte[] probe = "netkit key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(probe);
            if (v.verify(sig)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate's: not a pair either
        }
        throw NetkitException.invalidValue(
                "--key",
                settings.key().toString(),
                "it is not the key of the certificate in --cert " + settings.cert());
    }

    /** The protocol versions from {@code --tls-min} up; 1.0 and 1.1 are re-enabled in the JDK when asked for. */
    private static String[] protocols(TlsSettings settings) {
        return switch (settings.minVersion()) {
            case "1.3" -> new String[] {"TLSv1.3"};
            case "1.2" -> new String[] {"TLSv1.3", "TLSv1.2"};
            case "1.1" -> {
                allowLegacy("TLSv1.1");
                yield new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1"};
            }
            case "1.0" -> {
                allowLegacy("TLSv1.1");
                allowLegacy("TLSv1");
                yield new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"};
            }
            default -> throw NetkitException.invalidValue("--tls-min", settings.minVersion(), "expected 1.2 or 1.3");
        };
    }

    /** Takes {@code version} out of {@code jdk.tls.disabledAlgorithms} (before the first engine reads it). */
    private static void allowLegacy(String version) {
        String disabled = Security.getProperty("jdk.tls.disabledAlgorithms");
        if (disabled == null) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String item : disabled.split(",")) {
            if (!item.trim().equals(version)) {
                kept.add(item.trim());
            }
        }
        Security.setProperty("jdk.tls.disabledAlgorithms", String.join(", ", kept));
    }
}
