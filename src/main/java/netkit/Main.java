package netkit;

import netkit.cli.Netkit;

/** Entry point: builds the command line over the process's standard streams and exits with its code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
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
}
