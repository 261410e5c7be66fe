package netkit.repl;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ReplSession.Listener} for adapters whose engine starts before the REPL registers: it
 * keeps what arrives until {@link #attach} and then delivers it in order, so no early byte or
 * notice is lost. Thread-safe; {@code ended} is passed on once.
 */
final class PendingListener implements ReplSession.Listener {
    private List<Runnable> pending = new ArrayList<>();
    private ReplSession.Listener target;
    private boolean ended;

    synchronized void attach(ReplSession.Listener listener) {
        target = listener;
        for (Runnable r : pending) {
            r.run();
        }
        pending = null;
    }

    @Override
    public synchronized void data(String source, byte[] data, int off, int len) {
        if (target != null) {
            target.data(source, data, off, len);
        } else {
            byte[] copy = java.util.Arrays.copyOfRange(data, off, off + len);
            pending.add(() -> target.data(source, copy, 0, copy.length));
        }
    }

    @Override
    public synchronized void message(String source, byte[] data, int off, int len) {
        if (target != null) {
            target.message(source, data, off, len);
        } else {
            byte[] copy = java.util.Arrays.copyOfRange(data, off, off + len);
            pending.add(() -> target.message(source, copy, 0, copy.length));
        }
    }

    @Override
    public synchronized void notice(String text) {
        if (target != null) {
            target.notice(text);
        } else {
            pending.add(() -> target.notice(text));
        }
    }

    @Override
    public synchronized void ended() {
        if (ended) {
            return;
        }
        ended = true;
        if (target != null) {
            target.ended();
        } else {
            pending.add(() -> target.ended());
        }
    }
}
