package netkit.cli;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netkit.Stdio;

/**
 * Runs a netkit command in-process on its own thread with captured streams: stderr arrives as a
 * queue of lines to wait on, stdout is collected, and the exit code is a future.
 */
final class UdpCommandRun {
    private static final Pattern LISTENING =
            Pattern.compile("listening on \\[?([^\\]]*)]?:(\\d+)|\"event\":\"listening\".*\"port\":(\\d+)");

    final LinkedBlockingQueue<String> errLines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    static UdpCommandRun start(InputStream stdin, String... args) {
        UdpCommandRun run = new UdpCommandRun();
        PrintStream err = new PrintStream(new LineSplitter(run.errLines), true, StandardCharsets.UTF_8);
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (run.out) {
                    run.out.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (run.out) {
                    run.out.write(b, off, len);
                }
            }
        };
        Thread.ofVirtual().start(() -> {
            try {
                run.exit.complete(Netkit.commandLine(Stdio.of(stdin, out, err)).execute(args));
            } catch (Throwable t) {
                run.exit.completeExceptionally(t);
            }
        });
        return run;
    }

    /** Waits for a stderr line containing {@code text}; fails with everything seen so far. */
    String awaitErr(String text, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        synchronized (seen) {
            for (String s : seen) {
                if (s.contains(text)) {
                    return s;
                }
            }
        }
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? errLines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                fail("no stderr line containing '" + text + "' within " + limit + "; saw " + seen + " exit="
                        + exit.getNow(null));
            }
            synchronized (seen) {
                seen.add(line);
            }
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /** The port of the {@code listening on ADDRESS:PORT} event. */
    int awaitListeningPort() throws InterruptedException {
        Matcher m = LISTENING.matcher(awaitErr("listening", Duration.ofSeconds(10)));
        if (!m.find()) {
            fail("no port in the listening line");
        }
        return Integer.parseInt(m.group(2) != null ? m.group(2) : m.group(3));
    }

    int awaitExit(Duration limit) throws Exception {
        return exit.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    byte[] stdout() {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    String stdoutText() {
        return new String(stdout(), StandardCharsets.UTF_8);
    }

    /** Every stderr line so far (drains the queue). */
    List<String> errSoFar() {
        synchronized (seen) {
            errLines.drainTo(seen);
            return List.copyOf(seen);
        }
    }

    /** Splits written bytes into lines. */
    private static final class LineSplitter extends OutputStream {
        private final LinkedBlockingQueue<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineSplitter(LinkedBlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
