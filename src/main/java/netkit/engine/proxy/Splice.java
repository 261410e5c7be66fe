package netkit.engine.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import netkit.NetkitException;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Outcome;

/**
 * The tunnel once it is open: two pumps, client → upstream and upstream → client, each passing the
 * other side a FIN when its source ends (half-close preserved both ways, as socat does), and a join.
 * A failure of either side closes both; the idle timeout closes both when no byte moved either way.
 */
final class Splice {
    /** Per direction per tunnel: large enough for bulk transfers, small enough for thousands of tunnels. */
    static final int BUFFER_SIZE = 64 * 1024;

    private final Connection client;
    private final Connection upstream;
    private final CompletableFuture<Outcome> done = new CompletableFuture<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile long lastActivity = System.nanoTime();

    private Splice(Connection client, Connection upstream) {
        this.client = client;
        this.upstream = upstream;
    }

    /**
     * Relays until both directions ended (or one failed, or the idle timeout); {@code first} (what
     * the client sent after its request) goes upstream before anything else. Closes the upstream.
     */
    static Outcome run(Connection client, Connection upstream, ByteBuffer first, Duration idleTimeout) {
        Splice s = new Splice(client, upstream);
        try {
            if (first.hasRemaining()) {
                upstream.write(first);
            }
        } catch (IOException e) {
            upstream.close();
            return Outcome.error(NetkitException.from(e, "send to " + upstream.remote().text()));
        }
        Thread down = Thread.ofVirtual().name("proxy-down-" + client.id()).start(() -> s.pump(upstream, client));
        if (idleTimeout != null) {
            Thread.ofVirtual().name("proxy-idle-" + client.id()).start(() -> s.watchIdle(idleTimeout));
        }
        s.pump(client, upstream);
        try {
            down.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        upstream.close();
        Outcome outcome = s.failure.get() != null ? Outcome.error(s.failure.get())
                : s.done.isDone() ? s.done.join() : Outcome.CLOSED;
        s.done.complete(outcome);
        return outcome;
    }

    private void pump(Connection from, Connection to) {
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_SIZE);
        try {
            while (true) {
                buf.clear();
                int n = from.read(buf);
                if (n < 0) {
                    break;
                }
                lastActivity = System.nanoTime();
                buf.flip();
                to.write(buf);
            }
            to.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            if (!done.isDone() && from.isOpen() && to.isOpen()) {
                failure.compareAndSet(null, NetkitException.from(e, from == client ? "tunnel to "
                        + upstream.remote().text() : "tunnel from " + upstream.remote().text()));
            }
            client.close();
            upstream.close();
        }
    }

    private void watchIdle(Duration idle) {
        long limit = idle.toNanos();
        while (!done.isDone()) {
            long wait = lastActivity + limit - System.nanoTime();
            if (wait <= 0) {
                if (done.complete(Outcome.IDLE_TIMEOUT)) {
                    client.close();
                    upstream.close();
                }
                return;
            }
            try {
                done.get(wait, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // look again
            } catch (Exception e) {
                return;
            }
        }
    }
}
