package netkit.cli;

import java.util.concurrent.Callable;
import netkit.ExitCode;
import netkit.Stdio;
import netkit.output.Output;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every subcommand shares: the streams, the output, and an exit code as the result. */
public abstract class BaseCommand implements Callable<Integer> {
    @ParentCommand
    Netkit root;

    @Spec
    protected CommandSpec spec;

    protected Stdio stdio() {
        return root.stdio();
    }

    protected Output output() {
        return root.output();
    }

    protected GlobalOptions global() {
        return root.global();
    }

    @Override
    public final Integer call() throws Exception {
        return run().code;
    }

    /** Runs the command; failures are thrown as {@link netkit.NetkitException} (or mapped from JDK ones). */
    protected abstract ExitCode run() throws Exception;
}
