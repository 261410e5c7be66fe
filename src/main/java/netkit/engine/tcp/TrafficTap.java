package netkit.engine.tcp;

import java.nio.ByteBuffer;

/**
 * Sees every chunk a session moves, without consuming it (for {@code -x} hex dumps). The buffers
 * are read-only views for the duration of the call.
 */
public interface TrafficTap {
    TrafficTap NONE = new TrafficTap() {};

    default void sent(Connection to, ByteBuffer data) {}

    default void received(Connection from, ByteBuffer data) {}
}
