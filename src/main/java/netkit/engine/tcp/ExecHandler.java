package netkit.engine.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import netkit.NetkitException;
import netkit.net.AddressFormat;

/**
 * {@code -e/--exec} and {@code --sh-exec}: per connection a child process whose stdin is what the
 * client sends and whose stdout goes to the client; its stderr goes to ours. When the client
 * half-closes, the child's stdin gets EOF and everything the child still writes reaches the client
 * before the socket closes; when the child's stdout ends (it exited), the connection closes.
 * The child sees {@code NETKIT_REMOTE_ADDR}, {@code NETKIT_REMOTE_PORT}, {@code NETKIT_LOCAL_ADDR},
 * {@code NETKIT_LOCAL_PORT}.
 */
public final class ExecHandler implements ConnectionHandler {
    private static final long EXIT_WAIT_MS = 2000;

    private final List<String> command;
    private final OutputStream childErrors;
    private final TrafficTap tap;
    private final Duration idleTimeout;

    /**
     * {@code command} is the argv to run ({@code /bin/sh -c CMD} for --sh-exec); {@code idleTimeout}
     * (null = none) closes a connection, and ends its child, when no byte moved either way for that long.
     */
    public ExecHandler(List<String> command, OutputStream childErrors, TrafficTap tap, Duration idleTimeout) {
        this.command = List.copyOf(command);
        this.childErrors = childErrors;
        this.tap = tap;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public Outcome serve(Connection connection) {
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.put("NETKIT_REMOTE_ADDR", connection.remote().address());
        env.put("NETKIT_LOCAL_ADDR", connection.local().address());
        if (connection.remote().port() >= 0) {
            env.put("NETKIT_REMOTE_PORT", String.valueOf(connection.remote().port()));
            env.put("NETKIT_LOCAL_PORT", String.valueOf(connection.local().port()));
        }
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            String reason = startFailure(e);
            return Outcome.error(NetkitException.failure(reason.contains("ermission") ? "EACCES" : "ENOENT",
                    "cannot run " + command.get(0) + ": " + reason, e));
        }
        Threads.start("exec-err-" + connection.id(), () -> copy(child.getErrorStream(), childErrors));
        Threads.start("exec-in-" + connection.id(), () -> clientToChild(connection, child));
        boolean[] idled = {false};
        if (idleTimeout != null) {
            Threads.start("exec-idle-" + connection.id(), () -> watchIdle(connection, child, idled));
        }
        Outcome outcome = Outcome.CLOSED;
        try (InputStream out = child.getInputStream()) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = out.read(buf)) >= 0) {
                ByteBuffer data = ByteBuffer.wrap(buf, 0, n);
                tap.sent(connection, data.asReadOnlyBuffer());
                connection.write(data);
            }
            connection.shutdownOutput();
        } catch (IOException e) {
            if (connection.isOpen()) {
                outcome = Outcome.error(NetkitException.from(e, "send to "
                        + connection.remote().text()));
            }
        }
        synchronized (idled) {
            if (idled[0]) {
                outcome = Outcome.IDLE_TIMEOUT;
            }
        }
        try {
            if (!child.waitFor(EXIT_WAIT_MS, TimeUnit.MILLISECONDS)) {
                child.destroy();
            }
        } catch (InterruptedException e) {
            child.destroy();
            Thread.currentThread().interrupt();
        }
        return outcome;
    }

    /** Closes the connection and ends the child once nothing moved for the idle timeout. */
    private void watchIdle(Connection connection, Process child, boolean[] idled) {
        long idle = idleTimeout.toNanos();
        try {
            while (connection.isOpen() && child.isAlive()) {
                long wait = connection.lastActivityNanos() + idle - System.nanoTime();
                if (wait <= 0) {
                    synchronized (idled) {
                        idled[0] = true;
                    }
                    child.destroy();
                    connection.close();
                    return;
                }
                child.waitFor(wait, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The client's bytes become the child's stdin; the client's FIN becomes its EOF. */
    private void clientToChild(Connection connection, Process child) {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try (OutputStream in = child.getOutputStream()) {
            while (true) {
                buf.clear();
                int n = connection.read(buf);
                if (n < 0) {
                    return; // closing the child's stdin is its EOF
                }
                buf.flip();
                tap.received(connection, buf.asReadOnlyBuffer());
                try {
                    in.write(buf.array(), 0, n);
                    in.flush();
                } catch (IOException childGone) {
                    // the child stopped reading (or exited): what it wrote still goes out
                    drain(connection, buf);
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away: the child gets EOF and, if it lingers, is ended after its output
            if (connection.isOpen()) {
                child.destroy();
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

    /**
     * The reason in the JDK's {@code Cannot run program "x": error=2, No such file or directory}
     * (or {@code Exec failed, error: 2 (No such file or directory) }), for a one-line error.
     */
    static String startFailure(IOException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int open = m.lastIndexOf('(');
        if (open >= 0 && m.endsWith(")")) {
            return m.substring(open + 1, m.length() - 1);
        }
        int comma = m.lastIndexOf(", ");
        return m.contains("error=") && comma >= 0 ? m.substring(comma + 2) : m;
    }
}
