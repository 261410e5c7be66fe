package netkit.engine.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import netkit.NetkitException;

/**
 * PEM certificate files ({@code --cafile}, {@code --cert}) with the JDK's own X.509 parser, which
 * reads concatenated PEM blocks and skips the text around them: a client that only verifies never
 * loads Bouncy Castle (its signed jar costs a TLS client's start-up ~0.3 s to verify).
 */
final class PemCertificates {
    private PemCertificates() {}

    /** Every certificate in {@code file}, in file order (a chain: the leaf first). */
    static List<X509Certificate> read(Path file, String option) {
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (NoSuchFileException e) {
            throw NetkitException.invalidValue(option, file.toString(), "no such file");
        } catch (IOException | CertificateException e) {
            throw NetkitException.invalidValue(
                    option, file.toString(), "not a PEM certificate file: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw NetkitException.invalidValue(
                    option, file.toString(), "no PEM certificate (-----BEGIN CERTIFICATE-----) in it");
        }
        return out;
    }
}
