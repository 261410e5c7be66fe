package netkit.repl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.DataSink;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.Session;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.TrafficTap;
import netkit.output.TlsSummary;

/**
 * {@code tcp-connect}'s session in the REPL: the TCP engine's {@link Session} over one connection,
 * with typed lines pushed in as its input and received bytes shown on the terminal.
 */
public final class TcpConnectSession implements ReplSession {
    private final PendingListener listener = new PendingListener();
    private final Connection connection;
    private final Session session;
    private final DataSink copy;
    private volatile boolean closedHere;

    /** {@code copy} (may be null) also gets every received byte ({@code -o FILE}). */
    private TcpConnectSession(Connection connection, SessionOptions options, TrafficTap tap, DataSink copy) {
        this.connection = connection;
        this.copy = copy;
        this.session = new Session(connection, options, this::received, tap, true);
    }

    /**
     * Runs the REPL over {@code connection} until the session ends; returns how it ended. Ctrl-C
     * is the {@link Interactive#interrupted} error (exit 130).
     */
    public static Outcome run(
            Connection connection, SessionOptions options, TrafficTap tap, DataSink copy, ReplOptions replOptions) {
        TcpConnectSession s = new TcpConnectSession(connection, options, tap, copy);
        SessionRepl.End end = Interactive.run(s, replOptions);
        Outcome outcome = s.session.done().join();
        if (end == SessionRepl.End.INTERRUPTED) {
            throw Interactive.interrupted();
        }
        return outcome;
    }

    private void received(Connection from, ByteBuffer data) throws IOException {
        if (copy != null) {
            copy.accept(from, data.duplicate());
        }
        byte[] b = new byte[data.remaining()];
        data.get(b);
        listener.data(null, b, 0, b.length);
    }

    @Override
    public String name() {
        return connection.remote().text();
    }

    @Override
    public Set<Feature> features() {
        return EnumSet.of(Feature.HALF_CLOSE, Feature.PAUSE);
    }

    @Override
    public void listen(Listener l) {
        listener.attach(l);
        // Reading starts only now: until the REPL is up, the kernel holds the peer back.
        session.start().whenComplete((outcome, e) -> {
            // An error or idle timeout is the command's to report, once, after the REPL: only a plain close is told
            // here.
            if (!closedHere && outcome != null && outcome.kind() == Outcome.Kind.CLOSED) {
                listener.notice("connection closed");
            }
            listener.ended();
        });
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        if (!session.send(ByteBuffer.wrap(data, off, len))) {
            throw new IOException("the connection is closed");
        }
    }

    @Override
    public void endOfInput() {
        session.endOfInput();
    }

    @Override
    public void halfClose() throws IOException {
        connection.shutdownOutput();
    }

    @Override
    public void pause() {
        connection.pause();
    }

    @Override
    public void resume() {
        connection.resume();
    }

    @Override
    public Stats stats() {
        String tls = TlsSummary.text(connection.transport().details());
        return new Stats(
                connection.bytesRead(),
                connection.bytesWritten(),
                connection.bufferSize(),
                connection.isOpen() ? 1 : 0,
                tls == null ? null : "tls " + tls);
    }

    @Override
    public void close() {
        closedHere = true;
        session.finish(Outcome.CLOSED);
    }
}
