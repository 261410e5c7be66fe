package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** What the forwarder's tests share: loopback dialing, random payloads and their digests, an upstream flood. */
final class ForwardFixture {
    private ForwardFixture() {}

    /** On a virtual thread: the common pool may have a single thread here, and these tasks block. */
    static <T> CompletableFuture<T> async(Supplier<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(body.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** A client of {@code l} on loopback, with a read timeout so a stuck read fails its test. */
    static Socket dial(Listener l) throws IOException {
        Socket s = new Socket();
        s.connect(
                new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), l.local().port()),
                5000);
        s.setSoTimeout(20_000);
        return s;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** An upstream writing as fast as it can to a client that does not read, and how far it got. */
    record Flood(Thread writer, long stalled) {}

    /**
     * Writes up to {@code offered} bytes into {@code up} on a virtual thread until the writes stall (no
     * progress for 1 s; bounded at 60 rounds), and returns how many bytes were taken by then.
     */
    static Flood floodUntilStalled(Socket up, long offered) throws InterruptedException {
        AtomicLong written = new AtomicLong();
        Thread writer = Thread.ofVirtual().start(() -> {
            byte[] chunk = new byte[64 * 1024];
            try {
                while (written.get() < offered) {
                    up.getOutputStream().write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException closed) {
                // closed at the end of the test
            }
        });
        // stalling is the absence of progress, which only time shows: look once a second
        long last = -1;
        for (int i = 0; i < 60 && written.get() != last; i++) {
            last = written.get();
            Thread.sleep(1000);
        }
        return new Flood(writer, written.get());
    }

    /**
     * Backpressure through a forwarder: a flood of {@code up} into a client that reads nothing stalls at a bounded
     * number of bytes with the writer blocked; once {@code client} reads, the stalled bytes and 1 MiB more arrive.
     */
    static void assertBoundedThenResumes(Socket up, Socket client, long offered) throws Exception {
        Flood flood = floodUntilStalled(up, offered);
        long stalled = flood.stalled();
        assertTrue(stalled < 64L << 20, "the forwarder took " + stalled + " bytes for a client that reads nothing");
        assertTrue(flood.writer().isAlive(), "the upstream's writer is blocked, not finished");
        client.setSoTimeout(20_000);
        InputStream in = client.getInputStream();
        byte[] buf = new byte[1 << 16];
        long read = 0;
        while (read < stalled + (1 << 20)) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            read += n;
        }
        assertTrue(read >= stalled + (1 << 20), "reading resumed the upstream: " + read);
    }
}
