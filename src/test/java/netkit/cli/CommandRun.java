package netkit.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netkit.Stdio;

/**
 * Runs one netkit command in-process on its own thread, over the given stdin, capturing stdout and
 * stderr; stderr lines can be awaited (e.g. the listening port).
 */
final class CommandRun {
    final Lines err = new Lines();
    final OutputStream out;
    final CompletableFuture<Integer> exit = new CompletableFuture<>();

    private CommandRun(OutputStream out) {
        this.out = out;
    }

    static CommandRun start(InputStream in, String... args) {
        return start(in, new SyncBytes(), args);
    }

    static CommandRun start(InputStream in, OutputStream out, String... args) {
        CommandRun run = new CommandRun(out);
        Stdio stdio = Stdio.of(in, out, new PrintStream(run.err, true, StandardCharsets.UTF_8));
        Thread t = new Thread(
                () -> {
                    try {
                        run.exit.complete(Netkit.commandLine(stdio).execute(args));
                    } catch (Throwable e) {
                        run.exit.completeExceptionally(e);
                    }
                },
                "netkit " + String.join(" ", args));
        t.setDaemon(true);
        t.start();
        return run;
    }

    int exitCode(Duration within) throws Exception {
        return exit.get(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    String stdout() {
        return ((SyncBytes) out).text();
    }

    /** Waits for {@code listening on ADDRESS:PORT} and returns PORT. */
    int listeningPort() throws InterruptedException {
        String line = err.await(l -> l.contains("listening on"), Duration.ofSeconds(10));
        Matcher m = Pattern.compile(":(\\d+)$").matcher(line.strip());
        if (!m.find()) {
            throw new AssertionError("no port in " + line);
        }
        return Integer.parseInt(m.group(1));
    }

    /** A byte sink that is safe to read while the command writes. */
    static final class SyncBytes extends OutputStream {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            buf.write(b);
            notifyAll();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            buf.write(b, off, len);
            notifyAll();
        }

        synchronized byte[] bytes() {
            return buf.toByteArray();
        }

        synchronized String text() {
            return buf.toString(StandardCharsets.UTF_8);
        }

        /** Waits until the captured text satisfies {@code p}. */
        synchronized String await(Predicate<String> p, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (!p.test(text())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out; captured so far: " + text());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return text();
        }
    }

    /** Captured stderr, awaitable line by line. */
    static final class Lines extends OutputStream {
        private final SyncBytes bytes = new SyncBytes();

        @Override
        public void write(int b) {
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        String text() {
            return bytes.text();
        }

        /** Waits for a complete line matching {@code p} and returns it. */
        String await(Predicate<String> p, Duration within) throws InterruptedException {
            String[] found = new String[1];
            bytes.await(
                    t -> {
                        for (String line : t.split("\n", -1)) {
                            if (t.contains(line + "\n") && p.test(line)) {
                                found[0] = line;
                                return true;
                            }
                        }
                        return false;
                    },
                    within);
            return found[0];
        }
    }
}
