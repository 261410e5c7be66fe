package netkit.engine.tcp;

/**
 * Why a {@link Listener} turned a client away: the kind decides what happens (a mode may tell a client
 * over the connection limit why), the text is what {@code -v} prints.
 */
public record Rejection(Kind kind, String text) {
    public enum Kind {
        /** An IPv4 client on an IPv6-only listener. */
        FAMILY,
        /** {@code --allow}/{@code --deny}. */
        ACCESS,
        /** {@code -m}: the connection limit is reached. */
        LIMIT,
        /** The process is near its file-descriptor limit. */
        FDS
    }
}
