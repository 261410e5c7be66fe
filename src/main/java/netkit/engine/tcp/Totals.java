package netkit.engine.tcp;

import java.util.concurrent.atomic.AtomicLong;

/** Byte totals over every connection of a command (for {@code --progress} and summaries). */
public final class Totals {
    final AtomicLong read = new AtomicLong();
    final AtomicLong written = new AtomicLong();

    public long bytesRead() {
        return read.get();
    }

    public long bytesWritten() {
        return written.get();
    }
}
