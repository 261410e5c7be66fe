package netkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.udp.Counters;
import netkit.engine.udp.Datagram;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.DatagramSink;
import netkit.engine.udp.DatagramSource;
import netkit.engine.udp.ReceiveLoop;
import netkit.engine.udp.ReplyCounter;
import netkit.engine.udp.SendLoop;
import netkit.net.AddressFormat;
import netkit.output.Json;
import netkit.output.Durations;

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
        output().event(1, "listening on " + AddressFormat.hostPort(local),
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
        output().event(1, String.format("closed: %s (%s) received, %s (%s) sent in %.3f s",
                        plural(c.datagramsReceived(), "datagram"), plural(c.bytesRead(), "byte"),
                        plural(c.datagramsSent(), "datagram"), plural(c.bytesWritten(), "byte"), ms / 1000.0),
                Json.event("close")
                        .put("datagramsReceived", c.datagramsReceived())
                        .put("bytesRead", c.bytesRead())
                        .put("datagramsSent", c.datagramsSent())
                        .put("bytesWritten", c.bytesWritten())
                        .put("ms", ms));
    }

    /**
     * Receives until {@code count} datagrams (0 = no limit) or {@code idle} without one: exit 0,
     * or exit 4 for the idle timeout.
     */
    ExitCode receive(DatagramEndpoint endpoint, DatagramSink sink, long count, Duration idle) throws IOException {
        ReceiveLoop.End end = ReceiveLoop.run(endpoint, sink, count, idle);
        if (end == ReceiveLoop.End.IDLE) {
            throw NetkitException.timeout("no datagram for " + Durations.text(idle) + " (--idle-timeout)");
        }
        return ExitCode.OK;
    }

    /**
     * Starts sending stdin lines, each to whatever {@code send} picks, on a virtual thread. A
     * failure ends only this pump (with a warning): the receiving side goes on.
     */
    void stdinLines(SendLoop.Send send) {
        Thread.ofVirtual().name("stdin-datagrams").start(() -> {
            try {
                SendLoop.run(DatagramSource.lines(stdio().in(), DatagramEndpoint.MAX_PAYLOAD), send, null);
            } catch (IOException | RuntimeException e) {
                output().warn("stdin: " + NetkitException.from(e, "").getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The result of the first of several threads to finish; their failures become exit codes. */
    static ExitCode await(CompletableFuture<ExitCode> outcome) throws InterruptedException {
        try {
            return outcome.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NetkitException n) {
                throw n;
            }
            throw NetkitException.from(cause, "");
        }
    }

    /** Runs {@code body} on a virtual thread; its result or failure completes {@code outcome}. */
    static Thread start(String name, CompletableFuture<ExitCode> outcome, Body body) {
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                outcome.complete(body.run());
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
    }

    /**
     * Closes the endpoint, then waits (bounded) for the receiving thread to hand over its last
     * datagram, so nothing received is lost when the printer closes after it.
     */
    static void stopReceiving(DatagramEndpoint endpoint, Thread receiver) throws InterruptedException {
        endpoint.close();
        if (receiver != null) {
            receiver.join(Duration.ofSeconds(5));
        }
    }

    /**
     * What a sending command sends and how it waits for answers.
     *
     * @param message     the datagram to send {@code count} times, or null for stdin lines (or
     *                    {@code chunk}-byte pieces)
     * @param waitReply   after sending, how long to wait for replies; null = not at all
     * @param oneReplyEach stop waiting once every datagram sent got a reply (a unicast
     *                    request/response); false = wait the whole time (discovery)
     */
    record Exchange(InetSocketAddress target, byte[] message, int count, Duration interval, Integer chunk,
            Duration waitReply, boolean oneReplyEach) {}

    /**
     * Sends, printing replies as they come while stdin is sent or {@code --wait-reply} waits: exit
     * 0, 4 when a reply wait saw none, 3 when a connected endpoint learns the port is unreachable.
     */
    ExitCode exchange(DatagramEndpoint endpoint, DatagramPrinter printer, Exchange x) throws InterruptedException {
        String to = AddressFormat.hostPort(x.target());
        ReplyCounter replies = new ReplyCounter(printer);
        CompletableFuture<ExitCode> outcome = new CompletableFuture<>();
        Thread receiver = null;
        if (x.waitReply() != null || x.message() == null) {
            receiver = start("udp-replies", outcome, () -> {
                try {
                    ReceiveLoop.run(endpoint, replies, 0, null);
                } catch (IOException | RuntimeException e) {
                    throw NetkitException.from(e, "receive from " + to);
                }
                return ExitCode.OK;
            });
        }
        start("udp-send", outcome, () -> {
            long sent;
            try {
                if (x.message() == null) {
                    InputStream in = stdio().in();
                    DatagramSource src = x.chunk() != null ? DatagramSource.chunks(in, x.chunk())
                            : DatagramSource.lines(in, DatagramEndpoint.maxPayload(x.target().getAddress()));
                    sent = SendLoop.run(src, p -> endpoint.send(p, x.target()), x.interval());
                } else {
                    SendLoop.repeat(x.message(), x.count(), x.interval(), p -> endpoint.send(p, x.target()));
                    sent = x.count();
                }
            } catch (IOException | RuntimeException e) {
                throw NetkitException.from(e, "send to " + to);
            }
            if (x.waitReply() == null) {
                return ExitCode.OK;
            }
            long deadline = System.nanoTime() + x.waitReply().toNanos();
            // nothing sent (empty stdin) still waits the whole DUR: the timeout message says it did
            long got = replies.awaitAtLeast(x.oneReplyEach() ? Math.max(sent, 1) : Long.MAX_VALUE, deadline);
            if (got == 0) {
                throw NetkitException.timeout("no reply from " + to + " within " + Durations.text(x.waitReply())
                        + " (--wait-reply)");
            }
            return ExitCode.OK;
        });
        try {
            return await(outcome);
        } finally {
            stopReceiving(endpoint, receiver);
            summary(endpoint);
        }
    }

    /**
     * A sink that prints each datagram and then sends {@code answer(datagram)} back to its sender
     * (udp-listen --echo, broadcast --reply); a failed answer is a warning, not the end.
     */
    DatagramSink answering(DatagramEndpoint endpoint, DatagramSink printer, java.util.function.Function<Datagram, byte[]> answer) {
        return d -> {
            printer.accept(d);
            try {
                endpoint.send(answer.apply(d), d.peer());
            } catch (IOException | RuntimeException e) {
                output().warn("reply to " + AddressFormat.hostPort(d.peer()) + ": " + NetkitException.from(e, "").getMessage());
            }
        };
    }

    /** A thread body with an exit code. */
    @FunctionalInterface
    interface Body {
        ExitCode run() throws Exception;
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
