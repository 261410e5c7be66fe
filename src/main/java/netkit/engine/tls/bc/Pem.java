package netkit.engine.tls.bc;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import netkit.NetkitException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM files: certificate chains and bundles ({@code --cert}, {@code --cafile}) and private
 * keys ({@code --key}: PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}, SEC1
 * {@code EC PRIVATE KEY}). Keys and certificates are turned into JDK objects with the JDK's own
 * providers (no Bouncy Castle provider is registered). Problems are usage errors naming the option.
 */
final class Pem {
    private Pem() {}

    /** Every certificate in {@code file}, in file order (a chain: the leaf first). */
    static List<X509Certificate> certificates(Path file, String option) {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(file, option)) {
            if (o instanceof X509CertificateHolder h) {
                try {
                    out.add(converter.getCertificate(h));
                } catch (CertificateException e) {
                    throw bad(option, file, "unreadable certificate: " + e.getMessage());
                }
            }
        }
        if (out.isEmpty()) {
            throw bad(option, file, "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return out;
    }

    /** The one private key in {@code file}. */
    static PrivateKey privateKey(Path file, String option) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(file, option)) {
            try {
                if (o instanceof PEMKeyPair pair) { // PKCS#1 RSA, SEC1 EC
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) { // PKCS#8
                    return converter.getPrivateKey(info);
                }
            } catch (IOException e) {
                throw bad(option, file, "unreadable private key: " + e.getMessage());
            }
            if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                throw bad(
                        option,
                        file,
                        "the key is encrypted; decrypt it first: openssl pkey -in " + file + " -out KEY.pem");
            }
        }
        throw bad(option, file, "no PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC PRIVATE KEY) in it");
    }

    private static List<Object> objects(Path file, String option) {
        List<Object> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(r)) {
            for (int i = 0; i < 10_000; i++) {
                Object o = parser.readObject();
                if (o == null) {
                    break;
                }
                out.add(o);
            }
        } catch (NoSuchFileException e) {
            throw bad(option, file, "no such file");
        } catch (IOException | RuntimeException e) {
            throw bad(option, file, "not a readable PEM file: " + e.getMessage());
        }
        return out;
    }

    private static NetkitException bad(String option, Path file, String why) {
        return NetkitException.invalidValue(option, file.toString(), why);
    }
}
