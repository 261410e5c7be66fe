package netkit.engine.udp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Whom {@code udp-listen --echo} answers. A datagram's source can be forged, and an echo server
 * that answers another echo server (or itself) bounces one forged datagram for ever: two netkit
 * echo servers exchanged 75,658 datagrams in 5 s. So no answer goes to our own address and port,
 * nor to the classic UDP services that answer anything (echo 7, daytime 13, qotd 17, chargen 19,
 * time 37); and answers are rate-limited, per sender ({@link #PER_PEER_RATE}/s after a burst of
 * {@link #PER_PEER_BURST}) and in all ({@link #TOTAL_RATE}/s), so a loop with anything else runs
 * at a trickle.
 */
public final class EchoPolicy {
    /** The services that answer any datagram: echoing to them starts a loop. */
    public static final Set<Integer> ANSWERING_PORTS = Set.of(7, 13, 17, 19, 37);

    public static final int PER_PEER_RATE = 100;
    public static final int PER_PEER_BURST = 200;
    public static final int TOTAL_RATE = 2000;
    private static final int MAX_PEERS = 4096;

    private final InetSocketAddress local;
    private final Map<InetSocketAddress, double[]> peers = new HashMap<>();
    private final double[] total = {TOTAL_RATE, System.nanoTime()};

    /** {@code local}: the address and port the echo server is bound to (the wildcard for every one). */
    public EchoPolicy(InetSocketAddress local) {
        this.local = local;
    }

    /** Null when {@code peer} may be answered now, else why not (one line). */
    public synchronized String refuse(InetSocketAddress peer) {
        if (ANSWERING_PORTS.contains(peer.getPort())) {
            return "port " + peer.getPort() + " is a service that answers every datagram (a loop)";
        }
        if (peer.getPort() == local.getPort() && isUs(peer.getAddress())) {
            return "that is this echo server's own address (a loop)";
        }
        long now = System.nanoTime();
        double[] bucket = peers.get(peer);
        if (bucket == null) {
            if (peers.size() >= MAX_PEERS) {
                peers.clear();
            }
            bucket = new double[] {PER_PEER_BURST, now};
            peers.put(peer, bucket);
        }
        refill(bucket, PER_PEER_RATE, PER_PEER_BURST, now);
        refill(total, TOTAL_RATE, TOTAL_RATE, now);
        if (bucket[0] < 1) {
            return "over " + PER_PEER_RATE + " answers a second to one sender (--echo rate limit)";
        }
        if (total[0] < 1) {
            return "over " + TOTAL_RATE + " answers a second in all (--echo rate limit)";
        }
        bucket[0]--;
        total[0]--;
        return null;
    }

    private static void refill(double[] bucket, int rate, int cap, long now) {
        bucket[0] = Math.min(cap, bucket[0] + (now - (long) bucket[1]) / 1e9 * rate);
        bucket[1] = now;
    }

    private boolean isUs(InetAddress a) {
        InetAddress mine = local.getAddress();
        a = unmapped(a);
        if (mine != null && !mine.isAnyLocalAddress()) {
            return unmapped(mine).equals(a);
        }
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** {@code ::ffff:1.2.3.4} as 1.2.3.4 (a dual-stack socket sees IPv4 senders that way). */
    private static InetAddress unmapped(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }
}
