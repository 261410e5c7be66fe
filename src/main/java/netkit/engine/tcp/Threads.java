package netkit.engine.tcp;

/**
 * Where the engine's threads come from. Everything runs on virtual threads except the two pumps of
 * a bulk relay (tcp-connect, a listener serving one client): a pump on a platform thread blocks in
 * the kernel directly, while a virtual thread parks and is unparked by the poller around every full
 * socket buffer. On 2 GiB over loopback that was 1.47x against 0.79x nc (BENCHMARKS.md).
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

    /**
     * A pump over a child's pipe: a daemon platform thread with a small stack. Blocking pipe I/O
     * pins a virtual thread's carrier, so these must not be virtual (see {@link ExecHandler}).
     */
    static Thread startPipe(String name, Runnable body) {
        return Thread.ofPlatform().daemon().stackSize(256 * 1024).name(name).start(body);
    }
}
