package netkit.engine.scan;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import netkit.NetkitException;

/**
 * Checks which TCP ports of one host accept connections: a connect per port (no data is sent),
 * many at once, each bounded by the connect timeout.
 *
 * <p>{@code concurrency} virtual threads take the next port from the list, connect with a
 * timeout, close, and take the next one. A connect that is answered at once (a reset from a
 * closed port, the usual case on loopback and in a LAN) costs no wait at all; only silent ports
 * hold a thread until the timeout, so {@code concurrency} bounds both the probes in flight and
 * the time filtered ports cost: about {@code ceil(filtered / concurrency) × timeout}.
 *
 * <p>Probes finish out of order; results are handed to the {@link ScanListener} in list order, each
 * as soon as it and every port before it are known (a filtered port holds back the ports behind
 * it for at most the timeout).
 *
 * <p>A local failure that says nothing about the port (no file descriptors or ephemeral ports
 * left, an interrupt) ends the scan with a {@link NetkitException} instead of a wrong state.
 */
public final class PortScanner {
    /**
     * From how many ports on a loopback address the {@link LoopbackProbe} is used: linking it costs
     * about as much CPU time (0.1-0.2 s) as the ordinary probe spends on 8,000-10,000 ports (see
     * {@link #useLoopbackProbe} for the override).
     */
    static final int LOOPBACK_FAST_PATH_MIN_PORTS = 8192;

    private final InetAddress address;
    private final int[] ports;
    private final int timeoutMillis;
    private final int concurrency;
    private final ProtocolFamily family;
    private final boolean loopbackFastPath;
    private final PortProbe layered;

    private final AtomicInteger next = new AtomicInteger();
    private final ReentrantLock deliveryLock = new ReentrantLock();
    private final PortState[] states;
    private final long[] nanos;
    private int delivered; // guarded by deliveryLock
    private final int[] counts = new int[PortState.values().length]; // guarded by deliveryLock
    private volatile RuntimeException failure;
    private ScanListener listener;

    /**
     * @param address     the host to probe (resolved once by the caller; probes never resolve)
     * @param ports       the ports to probe, in the order results are delivered
     * @param timeout     per-probe connect timeout; zero means none (the kernel's own, minutes)
     * @param concurrency the most probes in flight at once, at least 1
     */
    public PortScanner(InetAddress address, int[] ports, Duration timeout, int concurrency) {
        this(address, ports, timeout, concurrency, null);
    }

    /**
     * A scan whose every port is checked by {@code probe} (a connect through the stream layers:
     * TLS, proxies) instead of a bare connect; {@code address} then only names the host in errors.
     */
    public PortScanner(InetAddress address, int[] ports, Duration timeout, int concurrency, PortProbe probe) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1: " + concurrency);
        }
        this.address = address;
        this.ports = ports.clone();
        this.timeoutMillis = timeout.isZero() ? 0 : (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        this.concurrency = concurrency;
        this.family = address instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        this.layered = probe;
        this.loopbackFastPath = probe == null && useLoopbackProbe(address, ports.length);
        this.states = new PortState[ports.length];
        this.nanos = new long[ports.length];
    }

    /**
     * Whether a scan of {@code portCount} ports of {@code address} uses the {@link LoopbackProbe}:
     * on a loopback address from {@link #LOOPBACK_FAST_PATH_MIN_PORTS} ports, when it is available.
     * The system property {@code netkit.scan.loopbackProbe} overrides the size rule: {@code false}
     * never (comparisons, an escape hatch), {@code always} for any loopback scan (start-up training).
     */
    static boolean useLoopbackProbe(InetAddress address, int portCount) {
        String mode = System.getProperty("netkit.scan.loopbackProbe", "auto");
        if (!address.isLoopbackAddress() || mode.equals("false")) {
            return false;
        }
        return (mode.equals("always") || portCount >= LOOPBACK_FAST_PATH_MIN_PORTS) && LoopbackProbe.available();
    }

    /** How many ports were found in each state, and how long the whole scan took. */
    public record Summary(int open, int closed, int filtered, long nanos) {
        public int ports() {
            return open + closed + filtered;
        }
    }

    /**
     * Probes every port and returns when all results have been delivered to {@code listener}.
     *
     * @throws NetkitException      on a local failure (see the class comment) or one thrown by the listener
     * @throws InterruptedException when the calling thread is interrupted; the probes are stopped
     */
    public Summary scan(ScanListener listener) throws InterruptedException {
        this.listener = listener;
        long start = System.nanoTime();
        if (Math.min(concurrency, ports.length) == 1) {
            // One probe at a time (a single port, nc -z style): on this thread. Starting a virtual thread
            // would start the carrier pool first, which a one-shot port check pays for in its start-up.
            probeUntilDone();
            if (failure != null) {
                throw failure;
            }
            return new Summary(
                    counts[PortState.OPEN.ordinal()],
                    counts[PortState.CLOSED.ordinal()],
                    counts[PortState.FILTERED.ordinal()],
                    System.nanoTime() - start);
        }
        Thread[] workers = new Thread[Math.min(concurrency, ports.length)];
        Runnable worker = this::probeUntilDone;
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofVirtual().name("netkit-scan-" + i).start(worker);
        }
        try {
            for (Thread w : workers) {
                w.join();
            }
        } catch (InterruptedException e) {
            failure = NetkitException.from(e, "scan " + address.getHostAddress());
            for (Thread w : workers) {
                w.interrupt();
            }
            throw e;
        }
        if (failure != null) {
            throw failure;
        }
        return new Summary(
                counts[PortState.OPEN.ordinal()],
                counts[PortState.CLOSED.ordinal()],
                counts[PortState.FILTERED.ordinal()],
                System.nanoTime() - start);
    }

    private void probeUntilDone() {
        LoopbackProbe fast = loopbackFastPath ? new LoopbackProbe(address) : null;
        try {
            int i;
            while (failure == null && (i = next.getAndIncrement()) < ports.length) {
                long t0 = System.nanoTime();
                PortState state = fast == null ? null : fast.probe(ports[i]);
                if (state == null) {
                    state = layered != null ? layered.probe(ports[i]) : probe(ports[i]);
                }
                complete(i, state, System.nanoTime() - t0);
            }
        } catch (RuntimeException e) {
            if (failure == null) {
                failure = e;
            }
        } finally {
            if (fast != null) {
                fast.close();
            }
        }
    }

    /** One connect with the timeout; the address is already resolved, so nothing here looks up a name. */
    private PortState probe(int port) {
        InetSocketAddress target = new InetSocketAddress(address, port);
        try (SocketChannel ch = SocketChannel.open(family)) {
            // The socket adaptor's timed connect tries a non-blocking connect and looks at the
            // socket once before it parks: a reset that is already there costs no wait.
            ch.socket().connect(target, timeoutMillis);
            // A connect to a free port of the ephemeral range can meet itself (TCP simultaneous
            // open when the kernel picks that very port as the source port): nothing listens.
            return target.equals(ch.getLocalAddress()) ? PortState.CLOSED : PortState.OPEN;
        } catch (ConnectException e) {
            // ECONNREFUSED is the common case: decide it without building a mapped exception.
            return "Connection refused".equals(e.getMessage()) ? PortState.CLOSED : classify(e, port);
        } catch (SocketTimeoutException e) {
            return PortState.FILTERED;
        } catch (IOException e) {
            return classify(e, port);
        }
    }

    private PortState classify(IOException e, int port) {
        NetkitException mapped = NetkitException.from(e, "probe " + address.getHostAddress() + " port " + port);
        return switch (mapped.code()) {
            case "ECONNREFUSED" -> PortState.CLOSED;
            case "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH" -> PortState.FILTERED;
            default -> throw mapped;
        };
    }

    /** Records port {@code i}'s state and delivers every result that is now next in order. */
    private void complete(int i, PortState state, long probeNanos) {
        deliveryLock.lock();
        try {
            states[i] = state;
            nanos[i] = probeNanos;
            if (i != delivered) {
                return;
            }
            while (delivered < ports.length && states[delivered] != null) {
                PortState s = states[delivered];
                counts[s.ordinal()]++;
                listener.result(new PortResult(ports[delivered], s, nanos[delivered]));
                delivered++;
            }
            listener.burstEnd();
        } finally {
            deliveryLock.unlock();
        }
    }
}
