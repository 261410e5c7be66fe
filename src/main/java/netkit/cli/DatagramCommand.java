package netkit.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Function;
import netkit.ExitCode;
import netkit.engine.udp.Counters;
import netkit.engine.udp.Datagram;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.DatagramExchange;
import netkit.engine.udp.DatagramSink;
import netkit.engine.udp.SendLoop;
import netkit.net.AddressFormat;
import netkit.output.Json;

/** What udp-send, udp-listen, broadcast and multicast-join share on the command side. */
abstract class DatagramCommand extends BaseCommand {
    private long startNanos = System.nanoTime();

    /**
     * {@code listening on ADDRESS:PORT}, exactly TCP's line (SPEC §1: scripts read the port from it), with the
     * real port, before anything is received; the receive buffer granted goes on a line of its own.
     */
    void listening(DatagramEndpoint endpoint) {
        startNanos = System.nanoTime();
        InetSocketAddress local = endpoint.localAddress();
        int rcvbuf = endpoint.receiveBufferSize();
        output().event(
                        1,
                        "listening on " + AddressFormat.hostPort(local),
                        Json.event("listening")
                                .put("address", AddressFormat.text(local.getAddress()))
                                .put("family", AddressFormat.family(local.getAddress()))
                                .put("port", local.getPort())
                                .put("recvBufferSize", rcvbuf));
        if (!output().json()) { // the JSON event above carries it
            output().event(1, "udp receive buffer " + rcvbuf + " bytes", null);
        }
    }

    /** The closing summary of {@code -v}: datagrams and bytes each way, and the time. */
    void summary(DatagramEndpoint endpoint) {
        Counters c = endpoint.counters();
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        output().event(
                        1,
                        String.format(
                                "closed: %s (%s) received, %s (%s) sent in %.3f s",
                                plural(c.datagramsReceived(), "datagram"),
                                plural(c.bytesRead(), "byte"),
                                plural(c.datagramsSent(), "datagram"),
                                plural(c.bytesWritten(), "byte"),
                                ms / 1000.0),
                        Json.event("close")
                                .put("datagramsReceived", c.datagramsReceived())
                                .put("bytesRead", c.bytesRead())
                                .put("datagramsSent", c.datagramsSent())
                                .put("bytesWritten", c.bytesWritten())
                                .put("ms", ms));
    }

    /** Receives until {@code count} datagrams (0 = no limit) or {@code idle} without one (exit 4). */
    ExitCode receive(DatagramEndpoint endpoint, DatagramSink sink, long count, Duration idle) throws IOException {
        DatagramExchange.receive(endpoint, sink, count, idle);
        return ExitCode.OK;
    }

    /** Sends stdin lines alongside, each to whatever {@code send} picks; a failure is a warning. */
    void stdinLines(SendLoop.Send send) {
        DatagramExchange.stdinLines(stdio().in(), DatagramEndpoint.MAX_PAYLOAD, send, output()::warn);
    }

    /** Sends and collects replies ({@link DatagramExchange#exchange}), then prints the {@code -v} summary. */
    ExitCode exchange(DatagramEndpoint endpoint, DatagramPrinter printer, DatagramExchange.Request x)
            throws InterruptedException {
        try {
            DatagramExchange.exchange(endpoint, printer, stdio().in(), x);
            return ExitCode.OK;
        } finally {
            summary(endpoint);
        }
    }

    /** Prints each datagram, then answers its sender; a failed answer is a warning. */
    DatagramSink answering(DatagramEndpoint endpoint, DatagramSink printer, Function<Datagram, byte[]> answer) {
        return DatagramExchange.answering(endpoint, printer, answer, output()::warn);
    }

    /**
     * Registers a JVM shutdown hook for the duration of a command, so Ctrl-C still leaves groups
     * and writes out received payloads. Close the returned handle to unregister it.
     */
    static AutoCloseable onShutdown(Runnable action) {
        Thread hook = new Thread(action, "netkit-udp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        return () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        };
    }

    static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
