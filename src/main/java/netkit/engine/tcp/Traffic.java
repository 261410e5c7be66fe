package netkit.engine.tcp;

/** Which directions a relay moves: {@code --send-only} / {@code --recv-only}. */
public enum Traffic {
    BOTH,
    /** Input goes to the peer; what the peer sends is read (to see its close) and discarded. */
    SEND_ONLY,
    /** Input is never read; the session ends when the peer closes. */
    RECV_ONLY;

    public boolean sends() {
        return this != RECV_ONLY;
    }

    public boolean delivers() {
        return this != SEND_ONLY;
    }
}
