package netkit.cli;

import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.function.Supplier;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.DatagramSink;
import netkit.engine.udp.ReceiveLoop;
import netkit.output.Output;
import netkit.repl.DatagramSession;
import netkit.repl.ReplOptions;

/**
 * The datagram commands' session REPL. A class of its own, not methods of the commands: picocli
 * reflects over command classes at start-up, and REPL types in their signatures would be loaded
 * for every command.
 */
final class DatagramRepl {
    private DatagramRepl() {}

    /**
     * Runs the REPL over {@code endpoint}: typed lines go to {@code destination} (null: the error
     * {@code noDestination}), received datagrams are shown, {@code copy} (may be null) also gets
     * them. Exit 0, or 4 when {@code idle} passed without a datagram.
     *
     * @param endAfterInput after Ctrl-D, end this much later (0: at once; null: keep receiving)
     */
    static ExitCode run(
            Output output,
            DatagramEndpoint endpoint,
            String name,
            Supplier<InetSocketAddress> destination,
            String noDestination,
            NetworkInterface membership,
            long count,
            Duration idle,
            Duration endAfterInput,
            DatagramSink copy) {
        endpoint.onSent(DatagramSink.NONE); // -v per-datagram lines would garble the line being typed
        DatagramSession.Plan plan =
                new DatagramSession.Plan(name, destination, noDestination, membership, count, idle, endAfterInput);
        ReceiveLoop.End end = DatagramSession.run(endpoint, plan, copy, new ReplOptions(false, output.color(), false));
        if (end == ReceiveLoop.End.IDLE) {
            throw NetkitException.timeout(
                    "no datagram for " + netkit.output.Durations.text(idle) + " (--idle-timeout)");
        }
        return ExitCode.OK;
    }
}
