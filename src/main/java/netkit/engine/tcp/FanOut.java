package netkit.engine.tcp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Our input going to every session of a listener: each chunk is written to every open session.
 * While no session is open the input waits (nothing read is dropped); sessions that join after
 * the input ended get the end at once.
 */
final class FanOut implements InputTarget {
    private final Set<Session> sessions = new LinkedHashSet<>();
    private boolean ended;
    private boolean closed;

    synchronized void add(Session s) {
        sessions.add(s);
        notifyAll();
        if (ended) {
            s.endOfInput();
        }
    }

    synchronized void remove(Session s) {
        sessions.remove(s);
    }

    /** No more sessions will come: a waiting input gives up. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    @Override
    public boolean send(ByteBuffer data) {
        List<Session> targets;
        synchronized (this) {
            while (sessions.isEmpty() && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            if (closed && sessions.isEmpty()) {
                return false;
            }
            targets = new ArrayList<>(sessions);
        }
        for (Session s : targets) {
            s.send(data.duplicate());
        }
        data.position(data.limit());
        return true;
    }

    @Override
    public void endOfInput() {
        List<Session> targets;
        synchronized (this) {
            ended = true;
            targets = new ArrayList<>(sessions);
        }
        for (Session s : targets) {
            s.endOfInput();
        }
    }
}
