package netkit.engine.chat;

/**
 * How a {@link ChatRoom} behaves.
 *
 * @param maxLineBytes longest line a member may send, in bytes without the line end; longer
 *     lines are cut to this length and the sender is warned (SPEC §4: 4096)
 * @param outboxBytes bytes that may wait for one member who does not read; a member whose
 *     queue would grow beyond this is disconnected so that it cannot slow the room (1 MiB)
 * @param maxConnections connections the room serves at once, counting members still choosing
 *     a nickname; the next one gets a {@code server full} line and is closed (0 = no limit)
 * @param consoleName the nickname of the console user (the server's stdin and stdout), or
 *     {@code null} for a room without one
 */
public record ChatOptions(int maxLineBytes, int outboxBytes, int maxConnections, String consoleName) {
    public static final int DEFAULT_MAX_LINE_BYTES = 4096;
    public static final int DEFAULT_OUTBOX_BYTES = 1 << 20;
    public static final String DEFAULT_CONSOLE_NAME = "server";

    public ChatOptions {
        if (maxLineBytes < 64) {
            throw new IllegalArgumentException("maxLineBytes must be at least 64: " + maxLineBytes);
        }
        if (outboxBytes < maxLineBytes) {
            throw new IllegalArgumentException("outboxBytes must hold one line: " + outboxBytes);
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections must not be negative: " + maxConnections);
        }
        if (consoleName != null && ChatText.nicknameProblem(consoleName) != null) {
            throw new IllegalArgumentException("consoleName is not a valid nickname: " + consoleName);
        }
    }

    /** SPEC §4 defaults: 4096-byte lines, 1 MiB outbox, no connection limit, console user {@code server}. */
    public static ChatOptions defaults() {
        return new ChatOptions(DEFAULT_MAX_LINE_BYTES, DEFAULT_OUTBOX_BYTES, 0, DEFAULT_CONSOLE_NAME);
    }

    public ChatOptions withMaxConnections(int max) {
        return new ChatOptions(maxLineBytes, outboxBytes, max, consoleName);
    }
}
