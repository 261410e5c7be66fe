package netkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code -V}: netkit's version (from the build) and the Java runtime it runs on. */
public final class Version implements IVersionProvider {
    /** The project version, filtered into {@code netkit/version.properties} by the build. */
    public static String netkit() {
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
            "netkit " + netkit(), "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
