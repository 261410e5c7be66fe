package netkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code -V}: netkit's version (from the build) and the Java runtime it runs on. */
public final class Version implements IVersionProvider {
    /**
     * The project version: the jar manifest's {@code Implementation-Version}, which the JVM keeps with the
     * archived classes of an AOT cache (no jar to open: that costs a {@code -V} ~3 ms), else (classes run
     * from a folder, as in the tests) {@code netkit/version.properties}, filtered by the build.
     */
    public static String netkit() {
        String fromManifest = Version.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = Version.class.getResourceAsStream("/netkit/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "netkit " + netkit(),
            "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
