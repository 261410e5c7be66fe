package netkit.engine.tcp;

import java.nio.ByteBuffer;

/** Where our input (stdin, a REPL) goes: one session, or every client of a listener. */
public interface InputTarget {
    /**
     * Sends every remaining byte of {@code data}; false when nobody will take more input (the
     * session ended), so the reader can stop.
     */
    boolean send(ByteBuffer data);

    /** Our input ended: the {@code --stdin-eof} policy applies. */
    void endOfInput();
}
