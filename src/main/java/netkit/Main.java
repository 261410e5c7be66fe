package netkit;

import netkit.cli.Netkit;

/** Entry point: builds the command line over the process's standard streams and exits with its code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String training = System.getProperty("netkit.aot.train");
        if (training != null) {
            netkit.cli.AotTraining.run(training); // the launcher's archive-recording run (see ./netkit)
            return;
        }
        Stdio stdio = Stdio.system();
        Integer fast = Netkit.runFast(stdio, args);
        System.exit(fast != null ? fast : Netkit.commandLine(stdio, args).execute(args));
    }
}
