package netkit;

import netkit.cli.Netkit;

/** Entry point: builds the command line over the process's standard streams and exits with its code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        if (System.getProperty("netkit.aot.train") != null) {
            netkit.cli.AotTraining.run(); // the launcher's cache-recording run (see ./netkit)
            return;
        }
        System.exit(Netkit.commandLine(Stdio.system(), args).execute(args));
    }
}
