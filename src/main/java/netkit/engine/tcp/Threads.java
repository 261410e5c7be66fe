package netkit.engine.tcp;

/** Where the engine's threads come from: virtual threads, named for thread dumps. */
final class Threads {
    private Threads() {}

    static Thread start(String name, Runnable body) {
        return Thread.ofVirtual().name(name).start(body);
    }
}
