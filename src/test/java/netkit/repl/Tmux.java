package netkit.repl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real terminal for process-level tests: a detached tmux session on its own server socket, typed
 * into with send-keys and read back with capture-pane.
 */
final class Tmux implements AutoCloseable {
    static final Path TMUX = Path.of("/usr/bin/tmux");

    private final String socket = "netkit-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final String target = "it";

    static boolean available() {
        return Files.isExecutable(TMUX);
    }

    /**
     * Starts {@code command} (a shell command line) in a 120x40 window; when it exits, the window
     * shows {@code EXIT=<status>} and stays open.
     */
    Tmux(String command, Path dir) throws IOException, InterruptedException {
        run(
                "new-session",
                "-d",
                "-s",
                target,
                "-x",
                "120",
                "-y",
                "40",
                "-c",
                dir.toString(),
                command + "; echo EXIT=$?; sleep 60");
    }

    /** Types literal text (no key names). */
    void type(String text) throws IOException, InterruptedException {
        run("send-keys", "-t", target, "-l", text);
    }

    /** Presses keys by tmux name: Enter, C-c, C-d, Tab. */
    void press(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", target));
        args.addAll(List.of(keys));
        run(args.toArray(String[]::new));
    }

    String screen() throws IOException, InterruptedException {
        return run("capture-pane", "-p", "-J", "-S", "-200", "-t", target);
    }

    /** Polls the screen until it shows {@code text}; fails with the screen after {@code timeout}. */
    String await(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String screen;
        do {
            screen = screen();
            if (screen.contains(text)) {
                return screen;
            }
            TimeUnit.MILLISECONDS.sleep(50); // polling interval of a deadline-bounded wait, not a wait by itself
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the terminal never showed '" + text + "'; it shows:\n" + screen);
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TMUX.toString(), "-L", socket));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        Process p = new ProcessBuilder(TMUX.toString(), "-L", socket, "kill-server")
                .redirectErrorStream(true)
                .start();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
