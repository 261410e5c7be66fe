package netkit.engine.udp;

import java.io.IOException;
import java.time.Duration;

/**
 * Sends what a {@link DatagramSource} yields, one datagram each, optionally paced: the stdin side
 * of udp-send, udp-listen (to the most recent sender), broadcast and multicast-join --send.
 */
public final class SendLoop {
    private SendLoop() {}

    /** Where one payload goes: the connected peer, the group, the most recent sender, … */
    @FunctionalInterface
    public interface Send {
        void send(byte[] payload) throws IOException;
    }

    /**
     * Sends until the source ends; returns the number of datagrams handed to {@code send}.
     *
     * @param interval pause between two datagrams; null or zero = none
     */
    public static long run(DatagramSource source, Send send, Duration interval)
            throws IOException, InterruptedException {
        long n = 0;
        byte[] payload;
        while ((payload = source.next()) != null) {
            if (n > 0) {
                pause(interval);
            }
            send.send(payload);
            n++;
        }
        return n;
    }

    /** Sends {@code payload} {@code count} times, {@code interval} apart (Node's send in a timer). */
    public static void repeat(byte[] payload, long count, Duration interval, Send send)
            throws IOException, InterruptedException {
        for (long i = 0; i < count; i++) {
            if (i > 0) {
                pause(interval);
            }
            send.send(payload);
        }
    }

    private static void pause(Duration interval) throws InterruptedException {
        if (interval != null && !interval.isZero()) {
            Thread.sleep(interval);
        }
    }
}
