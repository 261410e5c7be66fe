package netkit.engine.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import netkit.NetkitException;

/**
 * {@code -e/--exec} and {@code --sh-exec}: per connection a child process whose stdin is what the
 * client sends and whose stdout goes to the client; its stderr goes to ours. When the client
 * half-closes, the child's stdin gets EOF and everything the child still writes reaches the client
 * before the socket closes; when the child's stdout ends (it exited), the connection closes.
 * The child sees {@code NETKIT_REMOTE_ADDR}, {@code NETKIT_REMOTE_PORT}, {@code NETKIT_LOCAL_ADDR},
 * {@code NETKIT_LOCAL_PORT}.
 *
 * <p>The child's pipes are read and written on platform threads: a virtual thread blocked in a
 * pipe read pins its carrier, and 128 idle clients (two such reads each) once pinned every
 * carrier, so nothing else ran again. The listener bounds the children ({@code -m}, default
 * {@link #DEFAULT_MAX_CHILDREN}), so the threads are bounded too.
 *
 * <p>Once the client has finished sending (FIN) or is gone, a child that writes nothing for
 * {@link #GRACE} is ended with its process group (see {@link ExecChildren}); so is whatever of the
 * group is left when the connection ends.
 */
public final class ExecHandler implements ConnectionHandler {
    /** The default {@code -m} of the exec modes (as ncat's). */
    public static final int DEFAULT_MAX_CHILDREN = 100;
    /** How long a child may stay silent after its client stopped sending, and may linger after its output ended. */
    public static final Duration GRACE = Duration.ofSeconds(5);

    private static final int PIPE_CHUNK = 16 * 1024;

    private final List<String> command;
    private final OutputStream childErrors;
    private final TrafficTap tap;
    private final Duration idleTimeout;
    private final ExecChildren children;
    private final WarningThrottle failures;

    /**
     * {@code command} is the argv to run ({@code /bin/sh -c CMD} for --sh-exec); {@code idleTimeout}
     * (null = none) closes a connection, and ends its child, when no byte moved either way for that long.
     */
    public ExecHandler(List<String> command, OutputStream childErrors, TrafficTap tap, Duration idleTimeout) {
        this(command, childErrors, tap, idleTimeout, null);
    }

    /**
     * {@code events} (null = none) gets the one-line reason of each distinct failure to start a
     * child, once: a listener serving many clients would otherwise drop them all in silence.
     */
    public ExecHandler(
            List<String> command, OutputStream childErrors, TrafficTap tap, Duration idleTimeout, TcpEvents events) {
        this.command = List.copyOf(command);
        this.childErrors = childErrors;
        this.tap = tap;
        this.idleTimeout = idleTimeout;
        this.children = new ExecChildren(command);
        this.failures = events == null ? null : new WarningThrottle(events::warning, null);
    }

    /** The socket and the three pipe ends of the child. */
    @Override
    public int descriptorsPerClient() {
        return 4;
    }

    @Override
    public Outcome serve(Connection connection) {
        ExecChildren.Child child;
        try {
            child = children.start(environment(connection));
        } catch (ExecChildren.StartFailure e) {
            if (failures != null) {
                failures.warn(e.getMessage());
            }
            return Outcome.error(NetkitException.failure(e.code, e.getMessage(), e));
        }
        Pumps pumps = new Pumps(connection, child);
        Threads.startPipe("exec-err-" + connection.id(), () -> copy(child.process.getErrorStream(), childErrors));
        Threads.startPipe("exec-in-" + connection.id(), pumps::clientToChild);
        Thread out = Threads.startPipe("exec-out-" + connection.id(), pumps::childToClient);
        Thread watch = Threads.start("exec-watch-" + connection.id(), pumps::watch);
        try {
            out.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pumps.finished = true;
        watch.interrupt();
        try {
            child.awaitExit(GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        child.end(); // a child past its grace, or what it left behind in its group (nothing: forgotten)
        return pumps.outcome();
    }

    /** The three directions of one connection and the rules that end its child. */
    private final class Pumps {
        private final Connection connection;
        private final ExecChildren.Child child;
        private volatile long lastOutputNanos = System.nanoTime();
        /** When the client stopped sending (FIN, reset, close); 0 while it still may send. */
        private volatile long clientDoneNanos;

        private volatile boolean idled;
        private volatile Outcome failed;
        volatile boolean finished;

        Pumps(Connection connection, ExecChildren.Child child) {
            this.connection = connection;
            this.child = child;
        }

        Outcome outcome() {
            if (idled) {
                return Outcome.IDLE_TIMEOUT;
            }
            return failed != null ? failed : Outcome.CLOSED;
        }

        /** The child's stdout to the client, then FIN; a client gone stops it. */
        void childToClient() {
            // heap buffers: a platform thread's temporary direct buffer is freed when the thread ends
            byte[] bytes = new byte[PIPE_CHUNK];
            try (InputStream out = child.process.getInputStream()) {
                int n;
                while ((n = out.read(bytes)) >= 0) {
                    lastOutputNanos = System.nanoTime();
                    ByteBuffer data = ByteBuffer.wrap(bytes, 0, n);
                    tap.sent(connection, data.asReadOnlyBuffer());
                    connection.write(data);
                }
                connection.shutdownOutput();
            } catch (IOException e) {
                if (connection.isOpen() && !idled) {
                    failed = Outcome.error(NetkitException.from(
                            e, "send to " + connection.remote().text()));
                }
                clientGone();
            }
        }

        /** The client's bytes become the child's stdin; the client's FIN becomes its EOF. */
        void clientToChild() {
            ByteBuffer buf = ByteBuffer.allocate(PIPE_CHUNK);
            try (OutputStream in = child.process.getOutputStream()) {
                while (true) {
                    buf.clear();
                    int n = connection.read(buf);
                    if (n < 0) {
                        break; // closing the child's stdin is its EOF
                    }
                    buf.flip();
                    tap.received(connection, buf.asReadOnlyBuffer());
                    try {
                        in.write(buf.array(), 0, n);
                        in.flush();
                    } catch (IOException childGone) {
                        // the child stopped reading (or exited): what it wrote still goes out
                        clientDone();
                        drain(connection, buf);
                        return;
                    }
                }
            } catch (IOException e) {
                // the client went away (or the connection was closed): the child gets EOF
            } finally {
                clientDone();
            }
        }

        private void clientDone() {
            if (clientDoneNanos == 0) {
                clientDoneNanos = System.nanoTime();
            }
        }

        private void clientGone() {
            clientDone();
            lastOutputNanos = 0; // nothing it writes can reach anyone now
        }

        /**
         * The idle timeout, and the end of a child that stays silent for {@link #GRACE} after its
         * client stopped sending.
         */
        void watch() {
            long idle = idleTimeout == null ? Long.MAX_VALUE : idleTimeout.toNanos();
            long grace = GRACE.toNanos();
            try {
                while (!finished) {
                    long now = System.nanoTime();
                    long wait = Long.MAX_VALUE;
                    if (idleTimeout != null) {
                        long left = connection.lastActivityNanos() + idle - now;
                        if (left <= 0 && connection.isOpen()) {
                            idled = true;
                            connection.close();
                            child.end();
                            return;
                        }
                        wait = Math.min(wait, left);
                    }
                    long done = clientDoneNanos;
                    if (done != 0) {
                        long left = Math.max(done, lastOutputNanos) + grace - now;
                        if (left <= 0) {
                            child.end();
                            return;
                        }
                        wait = Math.min(wait, left);
                    } else {
                        wait = Math.min(wait, grace); // look again: the client may stop sending meanwhile
                    }
                    Thread.sleep(Duration.ofNanos(Math.max(wait, 1_000_000)));
                }
            } catch (InterruptedException e) {
                // the connection ended
            }
        }
    }

    /** Reads and drops what the client still sends, so its writes do not block and it sees our close. */
    private static void drain(Connection connection, ByteBuffer buf) {
        try {
            while (true) {
                buf.clear();
                if (connection.read(buf) < 0) {
                    return;
                }
            }
        } catch (IOException ignored) {
            // closed
        }
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buf = new byte[8192];
        try (from) {
            int n;
            while ((n = from.read(buf)) >= 0) {
                synchronized (to) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            }
        } catch (IOException ignored) {
            // the child ended
        }
    }

    /** Ends every child still running (the listener has stopped). */
    @Override
    public void close() {
        children.close();
    }

    /** Children (with their groups) still running, for tests. */
    int running() {
        return children.running();
    }

    /**
     * The reason in the JDK's {@code Cannot run program "x": error=2, No such file or directory}
     * (or {@code Exec failed, error: 2 (No such file or directory) }), for a one-line error. The
     * JDK 22+ text goes on for ten more lines of "Possible reasons": only the first line counts.
     */
    static String startFailure(IOException e) {
        String m = e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().strip();
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl).strip();
        }
        int open = m.lastIndexOf('(');
        if (open >= 0 && m.endsWith(")")) {
            return m.substring(open + 1, m.length() - 1);
        }
        int comma = m.lastIndexOf(", ");
        return m.contains("error=") && comma >= 0 ? m.substring(comma + 2) : m;
    }

    /** {@code NETKIT_*} for the child: addresses of both ends; ports only where there are any (not for Unix sockets). */
    private static Map<String, String> environment(Connection connection) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("NETKIT_REMOTE_ADDR", connection.remote().address());
        env.put("NETKIT_LOCAL_ADDR", connection.local().address());
        if (connection.remote().port() >= 0) {
            env.put("NETKIT_REMOTE_PORT", String.valueOf(connection.remote().port()));
            env.put("NETKIT_LOCAL_PORT", String.valueOf(connection.local().port()));
        }
        return env;
    }
}
