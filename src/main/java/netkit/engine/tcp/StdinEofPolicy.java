package netkit.engine.tcp;

/** What a session does when its input (stdin) ends: {@code --stdin-eof}. */
public enum StdinEofPolicy {
    /** Send FIN (shutdown output) and keep reading until the peer closes. */
    SHUTDOWN,
    /** Send nothing; the session goes on until the peer closes. */
    KEEP,
    /** Close the connection at once. */
    CLOSE
}
