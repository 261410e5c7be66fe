package netkit.engine.tls.bc;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import netkit.engine.tls.Pki;
import netkit.net.IpLiteral;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The throwaway server certificate of {@code tcp-listen --tls} without {@code --cert}: an EC P-256
 * key and a self-signed certificate for {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the
 * listen address, valid one day. Clients trust it by pinning its fingerprint.
 */
final class SelfSigned {
    /** How long the certificate is valid. */
    static final Duration VALIDITY = Duration.ofDays(1);

    private SelfSigned() {}

    /**
     * @param names extra subject alternative names (the listen address: an IP literal or a host
     *              name); {@code localhost} and the loopback addresses are always in it
     */
    static Pki.Identity create(List<String> names) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=netkit ephemeral certificate");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    subject,
                    new BigInteger(127, new SecureRandom()),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(VALIDITY)),
                    subject,
                    keys.getPublic());
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans(names)));
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
            return new Pki.Identity(keys, cert);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make the ephemeral TLS certificate: " + e, e);
        }
    }

    private static GeneralName[] sans(List<String> names) {
        Set<String> all = new LinkedHashSet<>();
        all.add("localhost");
        all.add("127.0.0.1");
        all.add("::1");
        for (String n : names) {
            if (n != null && !n.isEmpty() && !n.equals("0.0.0.0") && !n.equals("::")) {
                all.add(n);
            }
        }
        List<GeneralName> out = new ArrayList<>();
        for (String n : all) {
            out.add(new GeneralName(
                    IpLiteral.family(n) != 0 ? GeneralName.iPAddress : GeneralName.dNSName,
                    IpLiteral.family(n) != 0 ? stripZone(n) : n));
        }
        return out.toArray(GeneralName[]::new);
    }

    private static String stripZone(String ip) {
        int pct = ip.indexOf('%');
        return pct < 0 ? ip : ip.substring(0, pct);
    }
}
