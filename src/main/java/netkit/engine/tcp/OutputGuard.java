package netkit.engine.tcp;

import java.io.IOException;
import java.nio.ByteBuffer;
import netkit.NetkitException;

/**
 * The output of a listener serving many clients (stdout or {@code -o} FILE), watched: when a write
 * fails, every client's data after it would be lost in silence, so the first failure stops the
 * listener (no more accepts, every client closed) and becomes the command's result — exit 1 with
 * the reason (a full disk, an I/O error), or, when the consumer closed our stdout ({@code | head}),
 * a quiet exit 0.
 */
public final class OutputGuard implements DataSink {
    private final DataSink out;
    private volatile Runnable stop = () -> {};
    private volatile NetkitException failure;

    public OutputGuard(DataSink out) {
        this.out = out;
    }

    /** What stops the listener on a failure (set once the listener is bound). */
    public void onFailure(Runnable stop) {
        this.stop = stop;
    }

    @Override
    public void accept(Connection from, ByteBuffer data) throws IOException {
        if (failure != null) {
            throw new IOException("output failed before");
        }
        try {
            out.accept(from, data);
        } catch (IOException e) {
            failed(out.failure(e));
            throw e;
        }
    }

    /**
     * Records the failure too: a zero-copy pump writes past {@link #accept} (straight to
     * {@link #descriptor}) and reports its output's failure only here.
     */
    @Override
    public NetkitException failure(IOException e) {
        if (failure == null) {
            failed(out.failure(e));
        }
        return failure;
    }

    /**
     * The descriptor of the watched output, so that a one-client listener's bulk session splices into it
     * as tcp-connect's does (its failures still come here, through {@link #failure}).
     */
    @Override
    public int descriptor() {
        return failure == null ? out.descriptor() : -1;
    }

    /** Records a failure of the output (also one found elsewhere, e.g. the chat room's log) and stops. */
    public void failed(NetkitException e) {
        synchronized (this) {
            if (failure != null) {
                return;
            }
            failure = e;
        }
        stop.run();
    }

    /** Throws the output's failure, if there was one (a quiet one for a closed pipe). */
    public void rethrow() {
        NetkitException f = failure;
        if (f != null) {
            throw f;
        }
    }
}
