package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small mechanisms of issue 17: warning throttle, buffer pool, exec start failures. */
class RobustnessUnitTest {
    @Test
    void aRepeatedWarningIsPrintedOnceThenAtMostOncePerIntervalWithTheCountLeftOut() throws Exception {
        List<String> lines = new ArrayList<>();
        WarningThrottle t = new WarningThrottle(lines::add, Duration.ofMillis(200));
        for (int i = 0; i < 1000; i++) {
            t.warn("accept failed: Too many open files");
        }
        t.warn("another reason");
        assertEquals(List.of("accept failed: Too many open files", "another reason"), lines);
        Thread.sleep(250);
        t.warn("accept failed: Too many open files");
        assertEquals(3, lines.size());
        assertTrue(
                lines.get(2).startsWith("accept failed: Too many open files (999 more like it in the last "),
                lines.get(2));
    }

    @Test
    void withoutAnIntervalEachDistinctWarningIsPrintedOnce() {
        List<String> lines = new ArrayList<>();
        WarningThrottle t = new WarningThrottle(lines::add, null);
        t.warn("cannot run x: No such file or directory");
        t.warn("cannot run x: No such file or directory");
        t.warn("cannot run x: Permission denied");
        assertEquals(List.of("cannot run x: No such file or directory", "cannot run x: Permission denied"), lines);
    }

    @Test
    void pooledBuffersAreReusedAndTheIdleOnesBounded() {
        BufferPool pool = new BufferPool(1024, 2);
        ByteBuffer a = pool.take();
        a.put((byte) 1);
        pool.give(a);
        ByteBuffer b = pool.take();
        assertSame(a, b);
        assertEquals(0, b.position()); // cleared
        List<ByteBuffer> many = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            many.add(pool.take());
        }
        many.forEach(pool::give);
        assertEquals(2, pool.idle());
        assertEquals(6, pool.allocated()); // a (reused as b), then five more while b is held
        assertNotSame(null, pool.take());
    }

    @Test
    void echoSessionsOfSequentialClientsShareAHandfulOfReceiveBuffers() throws Exception {
        int before = BufferPool.SMALL.allocated();
        try (Listener l = Listener.bind(
                ListenOptions.builder()
                        .address(java.net.InetAddress.getLoopbackAddress())
                        .port(0)
                        .backlog(50)
                        .keepOpen(true)
                        .count(200)
                        .build(),
                TcpEvents.NONE,
                new Totals())) {
            Thread server = Thread.ofVirtual()
                    .start(() -> l.serve(new EchoHandler(
                            // an idle timeout keeps echo on its sessions (the selector loop has no receive buffers)
                            new SessionOptions(
                                    Duration.ofMinutes(5), StdinEofPolicy.SHUTDOWN, null, false, Traffic.BOTH, false),
                            TrafficTap.NONE)));
            for (int i = 0; i < 200; i++) {
                try (java.net.Socket s = new java.net.Socket(
                        java.net.InetAddress.getLoopbackAddress(), l.local().port())) {
                    s.getOutputStream().write(1);
                    s.shutdownOutput();
                    assertEquals(1, s.getInputStream().read());
                    assertEquals(-1, s.getInputStream().read());
                }
            }
            server.join(Duration.ofSeconds(20));
        }
        // a fresh 32 KiB direct buffer per client made RSS grow by 400 MB over 16,000 clients
        int fresh = BufferPool.SMALL.allocated() - before;
        assertTrue(fresh < 20, fresh + " buffers allocated for 200 sequential clients");
    }

    @Test
    void theJdksElevenLineStartFailureBecomesOneReason() {
        IOException e =
                new IOException("Cannot run program \"cat\": Bad file descriptor, error: 24 (Too many open files) \n"
                        + "Possible reasons:\n  - Spawn helper ran into JDK version mismatch\n"
                        + "Possible solutions:\n  - Restart JVM, especially after in-place JDK updates");
        assertEquals("Too many open files", ExecHandler.startFailure(e));
        assertEquals(
                "No such file or directory",
                ExecHandler.startFailure(
                        new IOException("Cannot run program \"x\": error=2, No such file or directory")));
    }
}
