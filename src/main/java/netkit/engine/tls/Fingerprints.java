package netkit.engine.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The two SHA-256 hashes people compare certificates by: the certificate's fingerprint as
 * {@code openssl x509 -fingerprint -sha256} prints it ({@code AB:CD:…}), and the public key's
 * (SubjectPublicKeyInfo) hash as curl's {@code --pinnedpubkey} takes it ({@code sha256:BASE64}).
 * {@code --pin} accepts either.
 */
public final class Fingerprints {
    private Fingerprints() {}

    /** {@code AB:CD:…}: SHA-256 of the DER certificate, upper-case hex pairs. */
    public static String certificate(X509Certificate cert) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(sha256(cert.getEncoded()));
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code sha256:BASE64}: SHA-256 of the certificate's SubjectPublicKeyInfo. */
    public static String publicKey(X509Certificate cert) {
        return "sha256:"
                + Base64.getEncoder().encodeToString(sha256(cert.getPublicKey().getEncoded()));
    }

    /**
     * A {@code --pin} value in a canonical form to compare, or null when it is neither form:
     * {@code sha256:BASE64} (key hash) → itself; {@code [sha256:]AB:CD:…} or plain hex (certificate
     * fingerprint) → {@code cert:abcd…}.
     */
    public static String normalizePin(String pin) {
        String v = pin.trim();
        String body = v.regionMatches(true, 0, "sha256:", 0, 7) ? v.substring(7) : v;
        String hex = body.replace(":", "");
        if (hex.length() == 64 && hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return "cert:" + hex.toLowerCase(Locale.ROOT);
        }
        if (body.length() == v.length()) {
            return null; // base64 needs the sha256: prefix (curl's form)
        }
        try {
            byte[] raw = Base64.getDecoder().decode(body);
            return raw.length == 32 ? "sha256:" + Base64.getEncoder().encodeToString(raw) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code cert} matches a pin normalized by {@link #normalizePin}. */
    static boolean matches(X509Certificate cert, String normalizedPin) {
        if (normalizedPin.startsWith("cert:")) {
            return certificate(cert).replace(":", "").toLowerCase(Locale.ROOT).equals(normalizedPin.substring(5));
        }
        return publicKey(cert).equals(normalizedPin);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
