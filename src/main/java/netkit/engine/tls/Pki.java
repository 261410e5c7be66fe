package netkit.engine.tls;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import netkit.ExitCode;
import netkit.NetkitException;

/**
 * What TLS needs from Bouncy Castle, in JDK types: PEM certificates and keys, and the ephemeral
 * self-signed certificate. {@link #get} finds the implementation: on the class path when Bouncy
 * Castle is there (tests, an image that puts every jar on it), else in a class loader of its own over
 * the {@code bc*.jar} files in the {@code lib/} folder beside netkit.jar, so no other command pays
 * for opening them.
 */
public interface Pki {
    /** Every certificate in a PEM file, in file order (a chain: leaf first); usage errors name {@code option}. */
    List<X509Certificate> certificates(Path file, String option);

    /** The private key in a PEM file (PKCS#8, PKCS#1 RSA, SEC1 EC). */
    PrivateKey privateKey(Path file, String option);

    /** An EC P-256 key and a self-signed certificate for localhost, the loopback addresses and {@code names}, 1 day. */
    Identity selfSigned(List<String> names);

    /** A key and its certificate. */
    record Identity(KeyPair keys, X509Certificate certificate) {}

    /** The implementation, loaded once. */
    static Pki get() {
        return Loader.PKI;
    }

    /** Finds and loads the Bouncy Castle implementation on first use. */
    final class Loader {
        private static final String IMPLEMENTATION = "netkit.engine.tls.bc.BcPki";
        private static final Pki PKI = load();

        private Loader() {}

        private static Pki load() {
            try {
                ClassLoader app = Pki.class.getClassLoader();
                ClassLoader loader = visible(app) ? app : isolated(app);
                return (Pki) Class.forName(IMPLEMENTATION, true, loader)
                        .getDeclaredConstructor()
                        .newInstance();
            } catch (ReflectiveOperationException | IOException | LinkageError e) {
                throw new NetkitException(
                        ExitCode.TLS,
                        "ETLS",
                        "TLS needs the Bouncy Castle jars (bcprov, bcutil, "
                                + "bcpkix) in the lib folder beside netkit.jar: " + e,
                        e);
            }
        }

        private static boolean visible(ClassLoader app) {
            try {
                Class.forName("org.bouncycastle.openssl.PEMParser", false, app);
                return true;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }

        /** A loader that defines Bouncy Castle and netkit's BC code itself, everything else by its parent. */
        private static ClassLoader isolated(ClassLoader parent) throws IOException {
            URL self = Pki.class.getProtectionDomain().getCodeSource().getLocation();
            Path jar;
            try {
                jar = Path.of(self.toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IOException("cannot locate netkit.jar from " + self, e);
            }
            Path lib = jar.resolveSibling("lib");
            List<URL> urls = new ArrayList<>();
            urls.add(self);
            try (Stream<Path> files = Files.list(lib)) {
                for (Path p : files.filter(p -> p.getFileName().toString().startsWith("bc")
                                && p.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .toList()) {
                    urls.add(url(p.toFile()));
                }
            }
            if (urls.size() == 1) {
                throw new IOException("no bc*.jar in " + lib);
            }
            return new URLClassLoader("netkit-bouncycastle", urls.toArray(URL[]::new), parent) {
                @Override
                protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                    if (!name.startsWith("org.bouncycastle.") && !name.startsWith("netkit.engine.tls.bc.")) {
                        return super.loadClass(name, resolve);
                    }
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        if (c == null) {
                            c = findClass(name);
                        }
                        if (resolve) {
                            resolveClass(c);
                        }
                        return c;
                    }
                }
            };
        }

        private static URL url(File f) throws MalformedURLException {
            return f.toURI().toURL();
        }
    }
}
