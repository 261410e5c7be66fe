package netkit.engine.tcp;

/**
 * Where the engine's threads come from. Everything runs on virtual threads except the two pumps of
 * a bulk relay (tcp-connect, a listener serving one client): measured on 2 GiB over loopback, a
 * pump on a platform thread blocks in the kernel directly and moves about 1.5-1.8x the bytes of
 * one that parks and unparks a virtual thread around every full socket buffer.
 */
final class Threads {
    private Threads() {}

    static Thread start(String name, Runnable body) {
        return Thread.ofVirtual().name(name).start(body);
    }

    /** A pump of a bulk transfer: a daemon platform thread. */
    static Thread startBulk(String name, Runnable body) {
        return Thread.ofPlatform().daemon().name(name).start(body);
    }
}
