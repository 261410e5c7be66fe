package netkit.engine.udp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import netkit.NetkitException;
import netkit.net.AddressFormat;
import netkit.output.Durations;

/**
 * How the datagram commands run over one {@link DatagramEndpoint}: send and collect replies
 * (udp-send, broadcast), receive until a count or an idle timeout (udp-listen, multicast-join,
 * broadcast --listen), stdin lines sent alongside, answers to each sender. The UDP counterpart of
 * the stream engine's {@code Relay}: commands map their options to a {@link Request} and call these;
 * threads, deadlines and loops live here. A run ends normally or with a {@link NetkitException}
 * that carries its exit code (4 for a reply or idle wait that expired, 3 for a refused port).
 */
public final class DatagramExchange {
    private DatagramExchange() {}

    /**
     * What a sending command sends and how it waits for answers.
     *
     * @param target       where the datagrams go
     * @param message      the datagram to send {@code count} times, or null for stdin lines (or
     *                     {@code chunk}-byte pieces)
     * @param count        how many times to send {@code message}
     * @param interval     pause between two datagrams; null = none
     * @param chunk        with stdin: datagrams of at most this many bytes instead of lines; null = lines
     * @param waitReply    after sending, how long to wait for replies; null = not at all
     * @param oneReplyEach stop waiting once every datagram sent got a reply (a unicast
     *                     request/response); false = wait the whole time (discovery)
     */
    public record Request(
            InetSocketAddress target,
            byte[] message,
            int count,
            Duration interval,
            Integer chunk,
            Duration waitReply,
            boolean oneReplyEach) {}

    /**
     * Sends, handing replies to {@code replies} as they come while stdin is sent or the reply wait
     * runs. Returns when done; throws exit 4 when a reply wait saw none, 3 when a connected endpoint
     * learns the port is unreachable. The endpoint is closed on return, after the receiving thread
     * handed over its last datagram.
     */
    public static void exchange(DatagramEndpoint endpoint, DatagramSink replies, InputStream stdin, Request x)
            throws InterruptedException {
        String to = AddressFormat.hostPort(x.target());
        ReplyCounter counter = new ReplyCounter(replies);
        CompletableFuture<Void> outcome = new CompletableFuture<>();
        Thread receiver = null;
        if (x.waitReply() != null || x.message() == null) {
            receiver = start("udp-replies", outcome, () -> {
                try {
                    ReceiveLoop.run(endpoint, counter, 0, null);
                } catch (IOException | RuntimeException e) {
                    throw NetkitException.from(e, "receive from " + to);
                }
            });
        }
        start("udp-send", outcome, () -> {
            long sent;
            try {
                if (x.message() == null) {
                    DatagramSource src = x.chunk() != null
                            ? DatagramSource.chunks(stdin, x.chunk())
                            : DatagramSource.lines(
                                    stdin,
                                    DatagramEndpoint.maxPayload(x.target().getAddress()));
                    sent = SendLoop.run(src, p -> endpoint.send(p, x.target()), x.interval());
                } else {
                    SendLoop.repeat(x.message(), x.count(), x.interval(), p -> endpoint.send(p, x.target()));
                    sent = x.count();
                }
            } catch (IOException | RuntimeException e) {
                throw NetkitException.from(e, "send to " + to);
            }
            if (x.waitReply() == null) {
                return;
            }
            long deadline = System.nanoTime() + x.waitReply().toNanos();
            // nothing sent (empty stdin) still waits the whole DUR: the timeout message says it did
            long got = counter.awaitAtLeast(x.oneReplyEach() ? Math.max(sent, 1) : Long.MAX_VALUE, deadline);
            if (got == 0) {
                throw NetkitException.timeout(
                        "no reply from " + to + " within " + Durations.text(x.waitReply()) + " (--wait-reply)");
            }
        });
        try {
            await(outcome);
        } finally {
            stopReceiving(endpoint, receiver);
        }
    }

    /**
     * Receives until {@code count} datagrams (0 = no limit) or {@code idle} without one (null = no
     * limit); the idle timeout is exit 4.
     */
    public static void receive(DatagramEndpoint endpoint, DatagramSink sink, long count, Duration idle)
            throws IOException {
        ReceiveLoop.End end = ReceiveLoop.run(endpoint, sink, count, idle);
        if (end == ReceiveLoop.End.IDLE) {
            throw NetkitException.timeout("no datagram for " + Durations.text(idle) + " (--idle-timeout)");
        }
    }

    /**
     * Starts sending stdin lines, each to whatever {@code send} picks, on a virtual thread. A
     * failure ends only this pump (with a warning): the receiving side goes on.
     */
    public static void stdinLines(InputStream stdin, int maxPayload, SendLoop.Send send, Consumer<String> warn) {
        Thread.ofVirtual().name("stdin-datagrams").start(() -> {
            try {
                SendLoop.run(DatagramSource.lines(stdin, maxPayload), send, null);
            } catch (IOException | RuntimeException e) {
                warn.accept("stdin: " + NetkitException.from(e, "").getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /**
     * A sink that passes each datagram to {@code printer} and then sends {@code answer(datagram)} back to
     * its sender (udp-listen --echo, broadcast --reply); a failed answer is a warning, not the end.
     */
    public static DatagramSink answering(
            DatagramEndpoint endpoint, DatagramSink printer, Function<Datagram, byte[]> answer, Consumer<String> warn) {
        return d -> {
            printer.accept(d);
            try {
                endpoint.send(answer.apply(d), d.peer());
            } catch (IOException | RuntimeException e) {
                warn.accept("reply to " + AddressFormat.hostPort(d.peer()) + ": "
                        + NetkitException.from(e, "").getMessage());
            }
        };
    }

    /** The first of several threads to finish ends the run; its failure is rethrown as it is. */
    private static void await(CompletableFuture<Void> outcome) throws InterruptedException {
        try {
            outcome.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NetkitException n) {
                throw n;
            }
            throw NetkitException.from(cause, "");
        }
    }

    private static Thread start(String name, CompletableFuture<Void> outcome, Body body) {
        return Thread.ofVirtual().name(name).start(() -> {
            try {
                body.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
    }

    /**
     * Closes the endpoint, then waits (bounded) for the receiving thread to hand over its last
     * datagram, so nothing received is lost when the printer closes after it.
     */
    private static void stopReceiving(DatagramEndpoint endpoint, Thread receiver) throws InterruptedException {
        endpoint.close();
        if (receiver != null) {
            receiver.join(Duration.ofSeconds(5));
        }
    }

    @FunctionalInterface
    private interface Body {
        void run() throws Exception;
    }
}
