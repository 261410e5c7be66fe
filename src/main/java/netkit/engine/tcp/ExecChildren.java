package netkit.engine.tcp;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import netkit.sys.FdBudget;
import netkit.sys.Posix;

/**
 * The children of {@code -e/--exec} and {@code --sh-exec}: starts them, each in a session and
 * process group of its own, and ends them with their whole group — {@code sh -c 'cmd; sleep 60'}
 * or a {@code cmd &} leaves grandchildren that hold the connection's pipe after the child itself
 * is gone. Ending is SIGTERM to the group, then SIGKILL {@link #KILL_AFTER} later to what is left.
 * Every child still running when the listener closes or netkit exits (Ctrl-C included: a child in
 * its own session no longer gets the terminal's SIGINT) is ended the same way.
 *
 * <p>The own session comes from util-linux {@code setsid}, which then execs the command in place
 * (same pid); where it or native access is missing, the child and its descendants are signalled
 * one by one ({@link ProcessHandle}), which misses grandchildren that were already orphaned.
 *
 * <p>Starting is refused when the process is near its descriptor limit: the JDK's
 * {@code ProcessBuilder.start()} that runs out of descriptors half way closes descriptor 0 and
 * leaks pipe ends, and prints an 11-line text; netkit instead turns the client away with one line.
 */
final class ExecChildren implements Closeable {
    /** SIGTERM to a child's group, then SIGKILL this much later when any of it is left. */
    static final Duration KILL_AFTER = Duration.ofSeconds(2);
    /**
     * Descriptors kept free when starting a child: a child costs 3 pipe ends for its life and about
     * 12 more while it starts (the JDK's helper pipes). The listener stops accepting earlier
     * ({@link ExecHandler#descriptorsPerClient}), so accepts cannot take these while a child starts.
     */
    static final int FD_RESERVE = 16;

    private static final int FD_COST = 16;

    private static final String SETSID = findSetsid();
    private static final Set<ExecChildren> ALL = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecChildren::endAll, "netkit-exec-children"));
    }

    private final List<String> command;
    private final FdBudget fds = new FdBudget(FD_RESERVE);
    private final Set<Child> live = ConcurrentHashMap.newKeySet();

    ExecChildren(List<String> command) {
        this.command = List.copyOf(command);
        ALL.add(this);
    }

    /** Thrown when a child cannot be started; the message is one line. */
    static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String code;

        StartFailure(String code, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
        }
    }

    /** Starts a child with {@code env} added to ours. */
    Child start(Map<String, String> env) throws StartFailure {
        String program = resolve(command.get(0));
        List<String> argv = new ArrayList<>();
        boolean ownGroup = SETSID != null && Posix.available();
        if (ownGroup) {
            argv.add(SETSID);
        }
        argv.add(program);
        argv.addAll(command.subList(1, command.size()));
        ProcessBuilder pb = new ProcessBuilder(argv);
        pb.environment().putAll(env);
        Process p;
        synchronized (this) { // one start at a time: the headroom counted is the headroom used
            String full = fds.refuse(FD_COST, true); // exact: a start costs far more than a count
            if (full != null) {
                throw new StartFailure(
                        "EMFILE", "cannot run " + command.get(0) + ": too many open files, " + full, null);
            }
            try {
                p = pb.start();
            } catch (IOException e) {
                Posix.keepFdZeroTaken();
                String reason = ExecHandler.startFailure(e);
                String code =
                        reason.contains("ermission") ? "EACCES" : reason.contains("open files") ? "EMFILE" : "ENOENT";
                throw new StartFailure(code, "cannot run " + command.get(0) + ": " + reason, e);
            }
        }
        Child c = new Child(p, ownGroup);
        live.add(c);
        p.onExit().thenRun(() -> {
            if (!c.groupAlive()) {
                live.remove(c);
            }
        });
        return c;
    }

    /**
     * The program as execvp would find it, so that a missing or forbidden command is one line of
     * ours before anything is started (under setsid its own message would be the child's stderr).
     */
    private static String resolve(String name) throws StartFailure {
        if (name.contains("/")) {
            Path p = Path.of(name);
            if (!Files.exists(p)) {
                throw new StartFailure("ENOENT", "cannot run " + name + ": No such file or directory", null);
            }
            if (Files.isDirectory(p) || !Files.isExecutable(p)) {
                throw new StartFailure("EACCES", "cannot run " + name + ": Permission denied", null);
            }
            return name;
        }
        String path = System.getenv("PATH");
        boolean denied = false;
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(File.pathSeparator, -1)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(p)) {
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
                denied = true;
            }
        }
        throw new StartFailure(
                denied ? "EACCES" : "ENOENT",
                "cannot run " + name + ": " + (denied ? "Permission denied" : "No such file or directory"),
                null);
    }

    private static String findSetsid() {
        for (String s : List.of("/usr/bin/setsid", "/bin/setsid")) {
            if (Files.isExecutable(Path.of(s))) {
                return s;
            }
        }
        return null;
    }

    /** Children (or groups of them) still running. */
    int running() {
        return live.size();
    }

    /** Ends every child still running and waits (bounded) for them to go. */
    @Override
    public void close() {
        ALL.remove(this);
        endNow(live);
    }

    private static void endAll() {
        List<Child> all = new ArrayList<>();
        for (ExecChildren c : ALL) {
            all.addAll(c.live);
        }
        endNow(all);
    }

    private static void endNow(Iterable<Child> children) {
        List<Child> ending = new ArrayList<>();
        for (Child c : children) {
            c.signal(false);
            ending.add(c);
        }
        long deadline = System.nanoTime() + KILL_AFTER.toNanos();
        for (Child c : ending) {
            while (c.groupAlive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (c.groupAlive()) {
                c.signal(true);
            }
        }
    }

    /** One child: the process netkit started, and the group it leads when it has one. */
    final class Child {
        final Process process;
        private final boolean ownGroup;
        private volatile boolean ending;

        Child(Process process, boolean ownGroup) {
            this.process = process;
            this.ownGroup = ownGroup;
        }

        /** Whether the child, or (with its own group) anything of its group, is still running. */
        boolean groupAlive() {
            return process.isAlive() || ownGroup && Posix.groupAlive(process.pid());
        }

        /** Waits up to {@code d} for the child itself to exit; true if it did. */
        boolean awaitExit(Duration d) throws InterruptedException {
            return process.waitFor(d.toNanos(), TimeUnit.NANOSECONDS);
        }

        /**
         * Ends the child and its group: SIGTERM now, SIGKILL {@link #KILL_AFTER} later to what is
         * left; does not wait. Idempotent.
         */
        void end() {
            if (ending) {
                return;
            }
            ending = true;
            if (!groupAlive()) {
                live.remove(this);
                return;
            }
            signal(false);
            Threads.start("exec-kill-" + process.pid(), () -> {
                long deadline = System.nanoTime() + KILL_AFTER.toNanos();
                try {
                    while (groupAlive() && System.nanoTime() < deadline) {
                        Thread.sleep(20);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (groupAlive()) {
                    signal(true);
                }
                live.remove(this);
            });
        }

        void signal(boolean kill) {
            if (ownGroup && Posix.kill(-process.pid(), kill ? Posix.SIGKILL : Posix.SIGTERM)) {
                return;
            }
            List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
            for (ProcessHandle h : all) {
                if (kill) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            }
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
        }
    }
}
