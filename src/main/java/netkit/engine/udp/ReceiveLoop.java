package netkit.engine.udp;

import java.io.IOException;
import java.time.Duration;

/**
 * Receives datagrams from any number of senders and hands each to a sink, until a count is
 * reached, no datagram came for the idle timeout, or the endpoint was closed. Shared by every
 * receiving command (udp-listen, replies of udp-send and broadcast, multicast-join).
 */
public final class ReceiveLoop {
    private ReceiveLoop() {}

    /** Why a receive loop ended. */
    public enum End {
        /** {@code count} datagrams were received. */
        COUNT,
        /** No datagram for the idle timeout. */
        IDLE,
        /** The endpoint was closed (by another thread, or at shutdown). */
        CLOSED
    }

    /**
     * Runs on the calling thread.
     *
     * @param count stop after this many datagrams; 0 = no limit
     * @param idle  stop after this long without a datagram; null or zero = no limit
     */
    public static End run(DatagramEndpoint endpoint, DatagramSink sink, long count, Duration idle) throws IOException {
        long received = 0;
        while (count == 0 || received < count) {
            Datagram d = endpoint.receive(idle);
            if (d == null) {
                return endpoint.isOpen() ? End.IDLE : End.CLOSED;
            }
            received++;
            sink.accept(d);
        }
        return End.COUNT;
    }
}
