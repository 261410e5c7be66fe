package netkit.engine.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import netkit.NetkitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PortScannerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Collects results with the time each arrived. */
    private static class Recorder implements ScanListener {
        final List<PortResult> results = new ArrayList<>();
        final List<Long> arrivals = new ArrayList<>();
        int bursts;

        @Override
        public synchronized void result(PortResult r) {
            results.add(r);
            arrivals.add(System.nanoTime());
        }

        @Override
        public synchronized void burstEnd() {
            bursts++;
        }

        synchronized List<Integer> ports() {
            return results.stream().map(PortResult::port).toList();
        }

        synchronized PortState state(int port) {
            return results.stream()
                    .filter(r -> r.port() == port)
                    .findFirst()
                    .orElseThrow()
                    .state();
        }
    }

    /** A port on loopback that was free a moment ago: bound to port 0, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    void reportsOpenClosedAndFilteredPortsInPortOrder() throws Exception {
        try (ServerSocket open = new ServerSocket(0, 50, LOOPBACK);
                FullBacklogListener filtered = new FullBacklogListener()) {
            int closed = closedPort();
            int[] ports = IntStream.of(open.getLocalPort(), closed, filtered.port())
                    .sorted()
                    .toArray();
            Recorder rec = new Recorder();

            PortScanner.Summary summary = new PortScanner(LOOPBACK, ports, Duration.ofMillis(300), 200).scan(rec);

            assertEquals(IntStream.of(ports).boxed().toList(), rec.ports());
            assertEquals(PortState.OPEN, rec.state(open.getLocalPort()));
            assertEquals(PortState.CLOSED, rec.state(closed));
            assertEquals(PortState.FILTERED, rec.state(filtered.port()));
            assertEquals(new PortScanner.Summary(1, 1, 1, summary.nanos()), summary);
        }
    }

    @Test
    void filteredPortIsReportedAfterTheTimeoutNotTheKernelsMinutes() throws Exception {
        // the class @Timeout (30 s) is the upper bound: the kernel's own connect timeout is minutes
        try (FullBacklogListener filtered = new FullBacklogListener()) {
            Recorder rec = new Recorder();
            new PortScanner(LOOPBACK, new int[] {filtered.port()}, Duration.ofMillis(200), 1).scan(rec);

            assertEquals(PortState.FILTERED, rec.state(filtered.port()));
            assertTrue(
                    rec.results.get(0).millis() >= 190,
                    "probe time " + rec.results.get(0).millis());
        }
    }

    /** A probe that records how many probes run at once and holds each until {@code together} are in. */
    private static final class ConcurrencyProbe implements PortProbe {
        private final java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger max = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.CountDownLatch together;

        ConcurrencyProbe(int together) {
            this.together = new java.util.concurrent.CountDownLatch(together);
        }

        @Override
        public PortState probe(int port) {
            max.accumulateAndGet(now.incrementAndGet(), Math::max);
            together.countDown();
            try {
                // released once `together` probes were in flight at the same time, or after a bound
                together.await(300, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                now.decrementAndGet();
            }
            return PortState.FILTERED;
        }
    }

    @Test
    void probesRunConcurrentlyUpToTheLimitAndNoFurther() throws Exception {
        int[] ports = IntStream.rangeClosed(1001, 1006).toArray(); // never dialed: the probe answers
        ConcurrencyProbe six = new ConcurrencyProbe(6);
        PortScanner.Summary all = new PortScanner(LOOPBACK, ports, Duration.ofMillis(500), 6, six).scan(new Recorder());
        assertEquals(6, all.filtered());
        assertEquals(6, six.max.get(), "all six probes in flight at once");

        ConcurrencyProbe two = new ConcurrencyProbe(6);
        new PortScanner(LOOPBACK, ports, Duration.ofMillis(500), 2, two).scan(new Recorder());
        assertEquals(2, two.max.get(), "never more than --concurrency probes in flight");
    }

    @Test
    void resultsBeforeASlowPortAreDeliveredWithoutWaitingForIt() throws Exception {
        int fast = 1001;
        int slow = 1002;
        java.util.concurrent.CountDownLatch fastDelivered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean slowSawIt = new java.util.concurrent.atomic.AtomicBoolean();
        PortProbe probe = port -> {
            if (port == slow) {
                try {
                    // the slow port's probe finishes only once the fast port's result was handed out
                    slowSawIt.set(fastDelivered.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return PortState.FILTERED;
            }
            return PortState.OPEN;
        };
        Recorder rec = new Recorder() {
            @Override
            public synchronized void result(PortResult r) {
                super.result(r);
                if (r.port() == fast) {
                    fastDelivered.countDown();
                }
            }
        };
        new PortScanner(LOOPBACK, new int[] {fast, slow}, Duration.ofSeconds(2), 10, probe).scan(rec);

        assertTrue(slowSawIt.get(), "the open port's result was held back until the slow probe ended");
        assertEquals(List.of(fast, slow), rec.ports());
        assertTrue(rec.bursts >= 2, "a burst end after the open port, another after the slow one");
    }

    /** Binds a listener to a port of [lo, hi] on {@code address}, or aborts the test. */
    private static ServerSocket listenerIn(InetAddress address, int lo, int hi) throws IOException {
        for (int p = lo + 17; p <= hi; p += 97) {
            ServerSocket s = new ServerSocket();
            try {
                s.bind(new java.net.InetSocketAddress(address, p), 50);
                return s;
            } catch (IOException busy) {
                s.close();
            }
        }
        org.junit.jupiter.api.Assumptions.abort("no free port to listen on in " + lo + "-" + hi);
        return null;
    }

    /** A quiet window (see {@link QuietPorts}) plus the given ports of the test's own listeners. */
    private static int[] windowPlus(int lo, int size, int... own) {
        return IntStream.concat(IntStream.range(lo, lo + size), IntStream.of(own))
                .sorted()
                .distinct()
                .toArray();
    }

    @Test
    void aLargeLoopbackRangeIsSweptCompletelyAndInOrderWithTheFastProbe() throws Exception {
        int size = PortScanner.LOOPBACK_FAST_PATH_MIN_PORTS;
        int lo = QuietPorts.window(size);
        try (ServerSocket open = listenerIn(LOOPBACK, lo, lo + size - 1);
                FullBacklogListener filtered = new FullBacklogListener()) {
            int[] ports = windowPlus(lo, size, filtered.port());
            Recorder rec = new Recorder();

            PortScanner.Summary summary = new PortScanner(LOOPBACK, ports, Duration.ofMillis(300), 200).scan(rec);

            assertEquals(IntStream.of(ports).boxed().toList(), rec.ports());
            assertEquals(PortState.OPEN, rec.state(open.getLocalPort()));
            assertEquals(
                    PortState.FILTERED,
                    rec.state(filtered.port()),
                    "the fast probe hands a dropped SYN to the timed one");
            assertEquals(new PortScanner.Summary(1, ports.length - 2, 1, summary.nanos()), summary);
        }
    }

    @Test
    void theFastProbeAlsoSweepsIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        int size = 512;
        int lo = QuietPorts.window(size);
        try (ServerSocket probe = new ServerSocket()) {
            try {
                probe.bind(new java.net.InetSocketAddress(v6, 0));
            } catch (IOException noIpv6) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6.getMessage());
            }
        }
        try (ServerSocket open = listenerIn(v6, lo, lo + size - 1)) {
            int[] ports = windowPlus(lo, size);
            Recorder rec = new Recorder();

            String before = System.getProperty("netkit.scan.loopbackProbe");
            System.setProperty("netkit.scan.loopbackProbe", "always");
            PortScanner.Summary summary;
            try {
                summary = new PortScanner(v6, ports, Duration.ofMillis(300), 50).scan(rec);
            } finally {
                if (before == null) {
                    System.clearProperty("netkit.scan.loopbackProbe");
                } else {
                    System.setProperty("netkit.scan.loopbackProbe", before);
                }
            }

            assertEquals(PortState.OPEN, rec.state(open.getLocalPort()));
            assertEquals(new PortScanner.Summary(1, size - 1, 0, summary.nanos()), summary);
        }
    }

    @Test
    void aListenerFailureEndsTheScanWithItsError() throws Exception {
        int closed = closedPort();
        NetkitException boom = NetkitException.failure("EPIPE", "write to stdout: broken pipe", null);
        ScanListener failing = r -> {
            throw boom;
        };

        NetkitException e = assertThrows(
                NetkitException.class,
                () -> new PortScanner(LOOPBACK, new int[] {closed}, Duration.ofSeconds(1), 4).scan(failing));

        assertEquals(boom, e);
    }

    @Test
    void ipv6LoopbackIsProbedWithAnIpv6Socket() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (ServerSocket open = new ServerSocket()) {
            try {
                open.bind(new java.net.InetSocketAddress(v6, 0));
            } catch (IOException noIpv6) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6.getMessage());
            }
            Recorder rec = new Recorder();
            new PortScanner(v6, new int[] {open.getLocalPort()}, Duration.ofSeconds(1), 1).scan(rec);
            assertEquals(PortState.OPEN, rec.state(open.getLocalPort()));
        }
    }
}
