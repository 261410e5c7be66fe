package netkit.engine.scan;

/** What one connect probe found out about a port (SPEC §2, Scan). */
public enum PortState {
    /** The handshake completed: something accepts connections on the port. */
    OPEN,
    /** The host answered with a reset (connection refused): nothing listens there. */
    CLOSED,
    /**
     * No answer within the connect timeout, or the host or network was reported unreachable: a
     * firewall (or a full listen backlog) swallowed the SYN, so the port's real state is unknown.
     */
    FILTERED;

    private final String label = name().toLowerCase(java.util.Locale.ROOT);

    /** {@code open}, {@code closed} or {@code filtered}: the word used in text and JSON output. */
    public String label() {
        return label;
    }
}
