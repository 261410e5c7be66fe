package netkit.engine.tls.bc;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import netkit.engine.tls.Pki;

/** {@link Pki} by Bouncy Castle; made by {@link Pki#get} in a class loader that sees its jars. */
public final class BcPki implements Pki {
    @Override
    public List<X509Certificate> certificates(Path file, String option) {
        return Pem.certificates(file, option);
    }

    @Override
    public PrivateKey privateKey(Path file, String option) {
        return Pem.privateKey(file, option);
    }

    @Override
    public Identity selfSigned(List<String> names) {
        return SelfSigned.create(names);
    }
}
