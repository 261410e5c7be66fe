package netkit;

import netkit.cli.Netkit;

/** Entry point: builds the command line over the process's standard streams and exits with its code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        nameTheSelectorProvider();
        String training = System.getProperty("netkit.aot.train");
        if (training != null) {
            netkit.cli.AotTraining.run(training); // the launcher's archive-recording run (see ./netkit)
            System.exit(0); // as every real run ends, so what exit loads is archived too
        }
        Stdio stdio = Stdio.system();
        Integer fast = Netkit.runFast(stdio, args);
        if (fast != null) {
            // halt, not exit: System.exit logs through System.Logger, whose first use bootstraps the logging
            // backend and scans the class path's jars for providers (several ms). The fast path has written and
            // flushed everything and registers no shutdown hook.
            stdio.err().flush();
            Runtime.getRuntime().halt(fast);
        }
        System.exit(Netkit.commandLine(stdio, args).execute(args));
    }

    private static final String SELECTOR_PROVIDER = "java.nio.channels.spi.SelectorProvider";

    /**
     * Names the JDK's own selector provider, when the user did not name one: the first socket channel otherwise
     * looks for a provider service on the class path, which opens and indexes every jar on it (JLine's too) with
     * interpreted code, a third of a port check's time (45 -> 31 ms; BENCHMARKS.md, "Per-process port checks").
     * The provider named is the one the JDK picks by default on this system; on any other system, or when that
     * class is not there, nothing changes.
     */
    static void nameTheSelectorProvider() {
        if (System.getProperty(SELECTOR_PROVIDER) != null) {
            return;
        }
        String os = System.getProperty("os.name", "");
        String provider = os.startsWith("Linux")
                ? "sun.nio.ch.EPollSelectorProvider"
                : os.startsWith("Mac") ? "sun.nio.ch.KQueueSelectorProvider" : null;
        if (provider == null) {
            return;
        }
        try {
            Class.forName(provider, false, null); // java.base's own, found without a class path search
        } catch (ClassNotFoundException | LinkageError e) {
            return;
        }
        System.setProperty(SELECTOR_PROVIDER, provider);
    }
}
