package netkit.repl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import netkit.NetkitException;
import netkit.engine.udp.Counters;
import netkit.engine.udp.Datagram;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.DatagramSink;
import netkit.engine.udp.ReceiveLoop;
import netkit.net.AddressFormat;
import netkit.net.IpLiteral;

/**
 * udp-send (stdin mode), udp-listen and multicast-join in the REPL: one {@link DatagramEndpoint};
 * each typed line is one datagram (newline included) to the session's destination, each datagram
 * received is shown whole, labelled with its sender. {@code /pause} stops receiving (the socket's
 * buffer fills, then the kernel drops); {@code /join} and {@code /leave} change memberships.
 */
public final class DatagramSession implements ReplSession {
    /** Where typed lines go and what ends the session. */
    public record Plan(
            String name,
            Supplier<InetSocketAddress> destination,
            String noDestination,
            NetworkInterface membershipInterface,
            long count,
            Duration idle,
            Duration endAfterInput) {}

    private final PendingListener listener = new PendingListener();
    private final DatagramEndpoint endpoint;
    private final Plan plan;
    private final DatagramSink copy;
    private final CompletableFuture<ReceiveLoop.End> done = new CompletableFuture<>();
    private final Object pauseLock = new Object();
    private boolean paused;

    private DatagramSession(DatagramEndpoint endpoint, Plan plan, DatagramSink copy) {
        this.endpoint = endpoint;
        this.plan = plan;
        this.copy = copy;
    }

    /**
     * Receives on a virtual thread and runs the REPL until the session ends. Returns why the
     * receiving ended ({@code COUNT}, {@code IDLE}, {@code CLOSED}); a receive failure (e.g. port
     * unreachable) is thrown as a {@link NetkitException}; Ctrl-C is exit 130.
     *
     * @param copy also gets every datagram received (-o, -x, JSON records), or null
     */
    public static ReceiveLoop.End run(DatagramEndpoint endpoint, Plan plan, DatagramSink copy, ReplOptions options) {
        DatagramSession s = new DatagramSession(endpoint, plan, copy);
        SessionRepl.End end = Interactive.run(s, options);
        ReceiveLoop.End received;
        try {
            received = s.done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (end == SessionRepl.End.INTERRUPTED) {
            throw Interactive.interrupted();
        }
        return received;
    }

    private void receive() {
        try {
            done.complete(ReceiveLoop.run(endpoint, this::received, plan.count(), plan.idle()));
        } catch (IOException | RuntimeException e) {
            done.completeExceptionally(NetkitException.from(e, "receive on " + plan.name()));
        }
        done.whenComplete((end, e) -> {
            // a failure or an idle timeout is the command's to report, once, after the REPL
            if (e == null && end == ReceiveLoop.End.COUNT) {
                listener.notice(
                        plan.count() + (plan.count() == 1 ? " datagram" : " datagrams") + " received (--count)");
            }
            listener.ended();
        });
    }

    private void received(Datagram d) {
        synchronized (pauseLock) {
            while (paused && endpoint.isOpen()) {
                try {
                    pauseLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        if (copy != null) {
            copy.accept(d);
        }
        listener.message(AddressFormat.hostPort(d.peer()), d.payload(), 0, d.size());
    }

    @Override
    public String name() {
        return plan.name();
    }

    @Override
    public Set<Feature> features() {
        return plan.membershipInterface() != null
                ? EnumSet.of(Feature.PAUSE, Feature.MEMBERSHIP)
                : EnumSet.of(Feature.PAUSE);
    }

    @Override
    public void listen(Listener l) {
        listener.attach(l);
        Thread.ofVirtual().name("udp-receive").start(this::receive); // receiving starts when the REPL can show it
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        InetSocketAddress to = plan.destination().get();
        if (to == null) {
            throw new IOException(plan.noDestination());
        }
        if (len > DatagramEndpoint.MAX_PAYLOAD) {
            throw new IOException(
                    len + " bytes do not fit in one datagram (at most " + DatagramEndpoint.MAX_PAYLOAD + ")");
        }
        byte[] payload = off == 0 && len == data.length ? data : java.util.Arrays.copyOfRange(data, off, off + len);
        endpoint.send(payload, to);
    }

    @Override
    public void endOfInput() {
        Duration after = plan.endAfterInput();
        if (after == null) {
            listener.notice("still receiving");
        } else if (after.isZero()) {
            close();
        } else {
            listener.notice("waiting " + after.toMillis() + " ms for replies (--wait-reply)");
            CompletableFuture.delayedExecutor(after.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(this::close);
        }
    }

    @Override
    public void pause() {
        synchronized (pauseLock) {
            paused = true;
        }
    }

    @Override
    public void resume() {
        synchronized (pauseLock) {
            paused = false;
            pauseLock.notifyAll();
        }
    }

    @Override
    public Stats stats() {
        Counters c = endpoint.counters();
        return new Stats(
                c.bytesRead(),
                c.bytesWritten(),
                0,
                0,
                "datagrams " + c.datagramsReceived() + " received, " + c.datagramsSent() + " sent"
                        + (plan.membershipInterface() == null ? "" : ", groups " + groups()));
    }

    private String groups() {
        return endpoint.memberships().stream()
                .map(k -> AddressFormat.text(k.group()))
                .toList()
                .toString();
    }

    @Override
    public void join(String group) {
        endpoint.join(group(group), plan.membershipInterface(), null);
    }

    @Override
    public void leave(String group) throws IOException {
        if (!endpoint.leave(group(group))) {
            throw new IOException("not a member of " + group);
        }
    }

    private static InetAddress group(String text) {
        try {
            if (IpLiteral.family(text) != 0) {
                InetAddress a = InetAddress.getByName(text); // a literal: no look-up
                if (a.isMulticastAddress()) {
                    return a;
                }
            }
        } catch (IOException e) {
            // reported below
        }
        throw NetkitException.invalidValue("GROUP", text, "expected 224.0.0.0/4 or ff00::/8");
    }

    @Override
    public void close() {
        endpoint.close();
        resume();
    }
}
