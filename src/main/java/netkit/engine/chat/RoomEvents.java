package netkit.engine.chat;

import java.net.SocketAddress;

/**
 * What the room tells its host besides the room log: joins, leaves with their reason, rejected
 * connections and internal failures. The CLI turns them into {@code -v}/{@code --json} events;
 * every method may be called from any thread and must not block.
 */
public interface RoomEvents {
    default void joined(String nickname, SocketAddress remote, int online) {}

    /** {@code reason}: {@code quit}, {@code closed}, {@code error: …}, {@code not reading: …}, {@code server closing}. */
    default void left(String nickname, SocketAddress remote, int online, String reason) {}

    default void rejected(SocketAddress remote, String reason) {}

    /** A bug: a room thread failed with an exception it did not expect. The member is disconnected. */
    default void failed(String where, Throwable error) {}

    RoomEvents NONE = new RoomEvents() {};
}
