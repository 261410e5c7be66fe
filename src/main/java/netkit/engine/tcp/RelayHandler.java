package netkit.engine.tcp;

import java.nio.channels.ReadableByteChannel;

/**
 * The default server mode: every client's bytes go to one sink (stdout or {@code -o} file, merged
 * in arrival order, nothing lost) and our input goes to every connected client.
 */
public final class RelayHandler extends FanOutHandler {
    private final DataSink sink;
    private final TrafficTap tap;
    private final boolean bulk;

    /** A handler for a listener with any number of clients (virtual threads, small buffers). */
    public RelayHandler(
            ReadableByteChannel input, SessionOptions options, DataSink sink, TrafficTap tap, TcpEvents events) {
        this(input, options, sink, tap, events, false);
    }

    /**
     * {@code input} may be null: clients then get nothing from us (as with {@code --recv-only}).
     * {@code oneClient}: the listener serves a single client, whose session is then tuned for bulk
     * throughput (see {@link Session}).
     */
    public RelayHandler(
            ReadableByteChannel input,
            SessionOptions options,
            DataSink sink,
            TrafficTap tap,
            TcpEvents events,
            boolean oneClient) {
        super(options.traffic().sends() ? input : null, options, events);
        this.bulk = oneClient;
        this.sink = sink;
        this.tap = tap;
    }

    /**
     * A one-client listener that may splice links the native calls now, on a thread of its own, while it
     * waits for its client: linking costs tens of milliseconds of CPU that would otherwise come first in
     * the transfer.
     */
    @Override
    public void open(Listener listener) {
        if (bulk && sink.descriptor() >= 0 && tap == TrafficTap.NONE) {
            Threads.start("zero-copy link", SplicePump::prepare);
        }
    }

    @Override
    protected Session newSession(Connection connection) {
        return new Session(connection, options, sink, tap, sendsInput(), bulk);
    }
}
