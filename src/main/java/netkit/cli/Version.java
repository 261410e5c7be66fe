package netkit.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code -V}: the version from the jar manifest, and the Java runtime it runs on. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {
            "netkit " + (v == null ? "dev" : v),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
