package netkit;

import netkit.cli.Netkit;

/** Entry point: builds the command line over the process's standard streams and exits with its code. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(Netkit.commandLine(Stdio.system()).execute(args));
    }
}
