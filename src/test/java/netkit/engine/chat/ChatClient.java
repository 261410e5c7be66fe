package netkit.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A line client of the room over a real loopback socket; every wait has a deadline. */
final class ChatClient implements AutoCloseable {
    static final long WAIT_MS = 5_000;

    final Socket socket;
    private final OutputStream out;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CountDownLatch eof = new CountDownLatch(1);
    private final boolean keepLineEnds;

    ChatClient(int port, boolean keepLineEnds) throws IOException {
        this(port, keepLineEnds, 0);
    }

    /** {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting (a small window for a non-reader). */
    ChatClient(int port, boolean keepLineEnds, int receiveBuffer) throws IOException {
        this.keepLineEnds = keepLineEnds;
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) WAIT_MS);
        out = socket.getOutputStream();
    }

    /** Starts reading lines into the queue (a non-reading client never calls it). */
    ChatClient reading() {
        Thread.ofVirtual().start(this::readLines);
        return this;
    }

    private void readLines() {
        try {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b == '\n') {
                    if (keepLineEnds) {
                        line.write('\n');
                    }
                    lines.add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        } catch (IOException e) {
            // closed or reset: end of the stream for the test
        } finally {
            eof.countDown();
        }
    }

    void send(String line) throws IOException {
        sendRaw((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next line, waiting at most {@link #WAIT_MS}. */
    String next() throws InterruptedException {
        String line = lines.poll(WAIT_MS, TimeUnit.MILLISECONDS);
        if (line == null) {
            fail("no line within " + WAIT_MS + " ms");
        }
        return line;
    }

    void expect(String... expected) throws InterruptedException {
        for (String e : expected) {
            assertEquals(e, next());
        }
    }

    /** Skips lines until one matches; returns it. */
    String awaitLine(Predicate<String> p) throws InterruptedException {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("no matching line within " + WAIT_MS + " ms; saw " + skipped);
            }
            if (p.test(line)) {
                return line;
            }
            skipped.add(line);
        }
    }

    /** True when the server closed the connection within the deadline. */
    boolean awaitClosedByServer() throws InterruptedException {
        return eof.await(WAIT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
