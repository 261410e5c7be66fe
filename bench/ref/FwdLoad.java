import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load for bench/forward.sh, the "many" part, loopback only: an upstream and N clients in one JVM
 * (virtual threads, so both cores work for the harness and its own cost stays far below a
 * forwarder's).
 *
 * <pre>
 * java FwdLoad.java digest UP_PORT FWD_PORT N SIZE
 * </pre>
 *
 * The upstream on 127.0.0.1:UP_PORT reads each connection to its FIN and answers with the hex
 * sha256 of what it got. N clients connect to 127.0.0.1:FWD_PORT at once; each sends SIZE bytes of
 * its own content (the sha256 of its index, repeated), half-closes and compares the digest it gets
 * back. The expected digests are computed, and the harness warmed up (64 connections straight to
 * the upstream), before the clock starts. Prints {@code ok N/N seconds S} (first connect to last
 * digest); exit 1 if any failed. UP_PORT = FWD_PORT measures the harness alone.
 */
public final class FwdLoad {
    private static final int CHUNK = 64 * 1024; // a multiple of 32: a client's pattern repeats seamlessly

    public static void main(String[] args) throws Exception {
        if (args.length != 5 || !args[0].equals("digest")) {
            System.err.println("usage: java FwdLoad.java digest UP_PORT FWD_PORT N SIZE");
            System.exit(2);
        }
        int up = Integer.parseInt(args[1]);
        int fwd = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        long size = Long.parseLong(args[4]);

        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", up), 4096);
        Thread.ofPlatform().daemon().name("upstream").start(() -> accept(server));

        run(up, 64, size); // warm-up: the harness's own code compiled before the clock starts
        byte[][] patterns = new byte[n][];
        String[] wants = new String[n];
        for (int i = 0; i < n; i++) {
            patterns[i] = pattern(i);
            wants[i] = expected(patterns[i], size);
        }
        long t0 = System.nanoTime();
        int ok = clients(fwd, patterns, wants, size);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("ok %d/%d seconds %.3f%n", ok, n, seconds);
        System.exit(ok == n ? 0 : 1);
    }

    private static void run(int port, int n, long size) throws Exception {
        byte[][] patterns = new byte[n][];
        String[] wants = new String[n];
        for (int i = 0; i < n; i++) {
            patterns[i] = pattern(-1 - i);
            wants[i] = expected(patterns[i], size);
        }
        int ok = clients(port, patterns, wants, size);
        if (ok != n) {
            throw new IllegalStateException("warm-up: " + ok + "/" + n + " connections byte-exact");
        }
    }

    private static int clients(int port, byte[][] patterns, String[] wants, long size) throws InterruptedException {
        AtomicInteger ok = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(patterns.length);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < patterns.length; i++) {
                int k = i;
                threads.submit(() -> {
                    try {
                        if (client(port, patterns[k], size).equals(wants[k])) {
                            ok.incrementAndGet();
                        }
                    } catch (IOException | RuntimeException e) {
                        // reset or closed early: counts as failed
                    } finally {
                        done.countDown();
                    }
                });
            }
            if (!done.await(300, TimeUnit.SECONDS)) {
                System.err.println("FwdLoad: not every client finished within 300 s");
            }
        }
        return ok.get();
    }

    private static String client(int port, byte[] pattern, long size) throws IOException {
        SocketChannel ch = null;
        for (int attempt = 0; ch == null; attempt++) { // a full backlog may drop a SYN under load: retry, bounded
            try {
                ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            } catch (IOException e) {
                if (attempt == 2) {
                    throw e;
                }
            }
        }
        try (SocketChannel c = ch) {
            ByteBuffer out = ByteBuffer.wrap(pattern);
            for (long left = size; left > 0; ) {
                out.clear().limit((int) Math.min(CHUNK, left));
                while (out.hasRemaining()) {
                    left -= c.write(out);
                }
            }
            c.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(128);
            while (c.read(in) >= 0 && in.hasRemaining()) {}
            return new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }
    }

    private static void accept(ServerSocketChannel server) {
        try {
            while (true) {
                SocketChannel c = server.accept();
                Thread.ofVirtual().start(() -> digestUpstream(c));
            }
        } catch (IOException e) {
            // the server is closed at exit
        }
    }

    private static void digestUpstream(SocketChannel c) {
        try (c) {
            c.setOption(StandardSocketOptions.SO_RCVBUF, 256 * 1024);
            MessageDigest sha = sha256();
            ByteBuffer in = ByteBuffer.allocate(CHUNK);
            while (c.read(in.clear()) >= 0) {
                sha.update(in.array(), 0, in.position());
            }
            c.write(ByteBuffer.wrap(HexFormat.of().formatHex(sha.digest()).getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // the client sees the missing digest
        }
    }

    private static byte[] pattern(int i) {
        byte[] seed = sha256().digest(Integer.toString(i).getBytes(StandardCharsets.US_ASCII));
        byte[] p = new byte[CHUNK];
        for (int off = 0; off < CHUNK; off += seed.length) {
            System.arraycopy(seed, 0, p, off, seed.length);
        }
        return p;
    }

    private static String expected(byte[] pattern, long size) {
        MessageDigest sha = sha256();
        for (long left = size; left > 0; left -= CHUNK) {
            sha.update(pattern, 0, (int) Math.min(CHUNK, left));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private FwdLoad() {}
}
