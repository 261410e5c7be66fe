package netkit.engine.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Decides whether to trust the peer's certificate, and when not, says why in words a user can act
 * on (the {@link TlsFailure} message). A client accepts a pinned key or certificate exactly (no
 * CA or name check: the pin is the identity), or, unpinned, a chain one of the trusted stores
 * (the JDK's, {@code --cafile}) validates, with the name checked by JSSE's endpoint
 * identification; {@code --insecure} accepts anything. A server checks client certificates against
 * {@code --cafile}.
 */
final class PeerVerifier extends X509ExtendedTrustManager {
    private final List<Supplier<X509ExtendedTrustManager>> stores;
    private final List<String> pins;
    private final boolean insecure;

    /** {@code stores} are tried in order; each is asked for its checker only when the ones before it failed. */
    PeerVerifier(List<Supplier<X509ExtendedTrustManager>> stores, List<String> pins, boolean insecure) {
        this.stores = List.copyOf(stores);
        this.pins = List.copyOf(pins);
        this.insecure = insecure;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, engine, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, engine, false);
    }

    private void check(X509Certificate[] chain, String authType, SSLEngine engine, boolean server)
            throws CertificateException {
        if (insecure) {
            return;
        }
        if (chain == null || chain.length == 0) {
            throw new TlsFailure(server ? "the server sent no certificate" : "the client sent no certificate", null);
        }
        X509Certificate leaf = chain[0];
        if (!pins.isEmpty()) {
            for (String pin : pins) {
                if (Fingerprints.matches(leaf, pin)) {
                    return;
                }
            }
            throw new TlsFailure(
                    "certificate " + leaf.getSubjectX500Principal().getName() + " matches no --pin: its key is "
                            + Fingerprints.publicKey(leaf) + ", its fingerprint sha256 "
                            + Fingerprints.certificate(leaf),
                    null);
        }
        CertificateException best = null;
        for (Supplier<X509ExtendedTrustManager> source : stores) {
            X509ExtendedTrustManager store;
            try {
                store = source.get();
            } catch (IllegalStateException e) {
                throw new TlsFailure(e.getMessage(), e);
            }
            try {
                if (server) {
                    store.checkServerTrusted(chain, authType, engine);
                } else {
                    store.checkClientTrusted(chain, authType, engine);
                }
                return;
            } catch (CertificateException e) {
                if (best == null || isUnknownIssuer(best) && !isUnknownIssuer(e)) {
                    best = e; // a store that knew the CA has the more telling complaint (name, expiry)
                }
            }
        }
        throw explain(best, chain, engine, server);
    }

    private static boolean isUnknownIssuer(CertificateException e) {
        return !isNameMismatch(e)
                && find(e, CertificateExpiredException.class) == null
                && find(e, CertificateNotYetValidException.class) == null;
    }

    private static boolean isNameMismatch(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return m.startsWith("No name matching") || m.startsWith("No subject alternative");
    }

    private TlsFailure explain(CertificateException e, X509Certificate[] chain, SSLEngine engine, boolean server) {
        X509Certificate leaf = chain[0];
        String subject = leaf.getSubjectX500Principal().getName();
        String whose = server ? "certificate" : "client certificate";
        if (e == null) {
            return new TlsFailure("no trusted certificate authority to check the " + whose + " against", null);
        }
        for (X509Certificate c : chain) {
            try {
                c.checkValidity();
            } catch (CertificateExpiredException x) {
                return new TlsFailure(
                        whose + " " + c.getSubjectX500Principal().getName() + " expired on "
                                + c.getNotAfter().toInstant()
                                + (server ? " (renew it; --insecure connects anyway)" : ""),
                        e);
            } catch (CertificateNotYetValidException x) {
                return new TlsFailure(
                        whose + " " + c.getSubjectX500Principal().getName() + " is not valid before "
                                + c.getNotBefore().toInstant() + " (check the clocks)",
                        e);
            }
        }
        if (isNameMismatch(e) && engine != null) {
            return new TlsFailure(
                    "certificate for " + names(leaf) + " does not match " + engine.getPeerHost()
                            + " (connect by one of its names, or --sni NAME to check another name)",
                    e);
        }
        String issuer = leaf.getIssuerX500Principal().getName();
        if (server) {
            return new TlsFailure(
                    "unknown certificate authority: " + subject + " issued by " + issuer
                            + " (use --cafile FILE with that CA, or --pin " + Fingerprints.publicKey(leaf)
                            + " to trust exactly this certificate)",
                    e);
        }
        return new TlsFailure(
                "client certificate " + subject + " issued by " + issuer + " is not from a CA of --cafile", e);
    }

    /** The certificate's DNS and IP names, or its subject when it has none. */
    static String names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    Object type = san.get(0);
                    if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) {
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // fall back to the subject
        }
        return out.isEmpty() ? cert.getSubjectX500Principal().getName() : String.join(", ", out);
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (int i = 0; e != null && i < 20; i++, e = e.getCause()) {
            if (type.isInstance(e)) {
                return type.cast(e);
            }
        }
        return null;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, null, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, null, false);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, true);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, null, false);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> all = new ArrayList<>();
        for (Supplier<X509ExtendedTrustManager> s : stores) {
            all.addAll(List.of(s.get().getAcceptedIssuers()));
        }
        return all.toArray(X509Certificate[]::new);
    }

    @Override
    public String toString() {
        return "PeerVerifier" + (insecure ? "(insecure)" : pins.isEmpty() ? "" : "(pinned)").toLowerCase(Locale.ROOT);
    }
}
