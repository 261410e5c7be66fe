package netkit.engine.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * Certificates for the TLS tests, made fresh in a temporary folder: a CA (with an intermediate), a
 * server certificate for localhost/127.0.0.1/::1 (chain file), one from an untrusted CA, one for
 * another name, an expired one and a client certificate. Keys are written in all three PEM forms
 * netkit reads: PKCS#1 RSA, SEC1 EC and PKCS#8.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime());

    public final Path dir;
    /** Root CA certificate (what a client's --cafile holds). */
    public final Path ca;
    /** Server leaf + intermediate, issued under {@link #ca}; key in PKCS#1 RSA form. */
    public final Path serverChain;

    public final Path serverKey;
    /** The server leaf certificate itself. */
    public final X509Certificate serverCert;
    /** From a CA nobody trusts; key PKCS#8. */
    public final Path untrustedCert;

    public final Path untrustedKey;
    /** Under {@link #ca}, for other.test only; key SEC1 EC. */
    public final Path wrongNameCert;

    public final Path wrongNameKey;
    /** Under {@link #ca}, expired yesterday. */
    public final Path expiredCert;

    public final Path expiredKey;
    /** A client certificate under {@link #ca} (CN=test client); key SEC1 EC. */
    public final Path clientCert;

    public final Path clientKey;

    public TestPki(Path dir) throws Exception {
        this.dir = dir;
        Instant now = Instant.now();
        KeyPair rootKeys = ec();
        X509Certificate root = cert(
                "CN=netkit test root CA",
                rootKeys,
                "CN=netkit test root CA",
                rootKeys,
                true,
                List.of(),
                now,
                now.plus(Duration.ofDays(2)));
        KeyPair midKeys = ec();
        X509Certificate mid = cert(
                "CN=netkit test intermediate CA",
                midKeys,
                "CN=netkit test root CA",
                rootKeys,
                true,
                List.of(),
                now,
                now.plus(Duration.ofDays(2)));
        ca = write("ca.pem", pem(root));

        KeyPair serverKeys = rsa();
        serverCert = cert(
                "CN=localhost",
                serverKeys,
                "CN=netkit test intermediate CA",
                midKeys,
                false,
                List.of("localhost", "127.0.0.1", "::1"),
                now,
                now.plus(Duration.ofDays(1)));
        serverChain = write("server-chain.pem", pem(serverCert) + pem(mid));
        serverKey = write("server-rsa-pkcs1.key", pem(serverKeys.getPrivate()));

        KeyPair otherRootKeys = ec();
        X509Certificate otherRoot = cert(
                "CN=untrusted CA",
                otherRootKeys,
                "CN=untrusted CA",
                otherRootKeys,
                true,
                List.of(),
                now,
                now.plus(Duration.ofDays(2)));
        KeyPair untrustedKeys = ec();
        untrustedCert = write(
                "untrusted.pem",
                pem(cert(
                        "CN=localhost",
                        untrustedKeys,
                        "CN=untrusted CA",
                        otherRootKeys,
                        false,
                        List.of("localhost", "127.0.0.1", "::1"),
                        now,
                        now.plus(Duration.ofDays(1)))));
        untrustedKey = write("untrusted-pkcs8.key", pkcs8(untrustedKeys.getPrivate()));
        write("untrusted-ca.pem", pem(otherRoot));

        KeyPair wrongKeys = ec();
        wrongNameCert = write(
                "wrong-name.pem",
                pem(cert(
                        "CN=other.test",
                        wrongKeys,
                        "CN=netkit test root CA",
                        rootKeys,
                        false,
                        List.of("other.test"),
                        now,
                        now.plus(Duration.ofDays(1)))));
        wrongNameKey = write("wrong-name-sec1.key", sec1(wrongKeys.getPrivate()));

        KeyPair expiredKeys = ec();
        expiredCert = write(
                "expired.pem",
                pem(cert(
                        "CN=localhost",
                        expiredKeys,
                        "CN=netkit test root CA",
                        rootKeys,
                        false,
                        List.of("localhost", "127.0.0.1", "::1"),
                        now.minus(Duration.ofDays(3)),
                        now.minus(Duration.ofDays(1)))));
        expiredKey = write("expired.key", pkcs8(expiredKeys.getPrivate()));

        KeyPair clientKeys = ec();
        clientCert = write(
                "client.pem",
                pem(cert(
                        "CN=test client",
                        clientKeys,
                        "CN=netkit test root CA",
                        rootKeys,
                        false,
                        List.of(),
                        now,
                        now.plus(Duration.ofDays(1)))));
        clientKey = write("client-sec1.key", sec1(clientKeys.getPrivate()));
    }

    public String path(Path p) {
        return p.toString();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static X509Certificate cert(
            String subject,
            KeyPair keys,
            String issuer,
            KeyPair issuerKeys,
            boolean ca,
            List<String> names,
            Instant from,
            Instant to)
            throws Exception {
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(from.minus(Duration.ofMinutes(5))),
                Date.from(to),
                new X500Name(subject),
                keys.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        b.addExtension(
                Extension.keyUsage,
                true,
                new KeyUsage(
                        ca
                                ? KeyUsage.keyCertSign | KeyUsage.cRLSign
                                : KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        if (!names.isEmpty()) {
            GeneralName[] sans = names.stream()
                    .map(n -> new GeneralName(
                            n.matches("[0-9.]+") || n.contains(":") ? GeneralName.iPAddress : GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        }
        String alg = issuerKeys.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaX509CertificateConverter()
                .getCertificate(b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder(alg)
                        .build(issuerKeys.getPrivate())));
    }

    /** PEM of a certificate, or of a private key in its traditional form (PKCS#1 RSA, SEC1 EC). */
    private static String pem(Object o) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o);
        }
        return w.toString();
    }

    /** SEC1 {@code EC PRIVATE KEY} with the curve inside, as openssl writes it. */
    private static String sec1(PrivateKey key) throws IOException {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info =
                org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(
                256, inner.getKey(), info.getPrivateKeyAlgorithm().getParameters());
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", full.getEncoded()));
        }
        return w.toString();
    }

    private static String pkcs8(PrivateKey key) throws IOException {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(new JcaPKCS8Generator(key, null));
        }
        return w.toString();
    }
}
