package netkit.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import netkit.NetkitException;
import netkit.engine.stream.Endpoint;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.ConnectionHandler;
import netkit.engine.tcp.DataSink;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.RelayHandler;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.TcpEvents;
import netkit.engine.tcp.Totals;
import netkit.engine.tcp.TrafficTap;
import netkit.output.TlsSummary;

/**
 * {@code tcp-listen}'s relay mode (and {@code --chat}'s console, {@link #runConsole}) in the REPL: the engine's {@link RelayHandler} with typed lines as
 * its input (through a pipe, so lines typed before a client connects wait for it as piped stdin
 * does), each client's bytes shown labelled with its id, the listener's events as notices, and
 * {@code /clients}, {@code /kick}, {@code /pause} over every connection.
 */
public final class TcpListenSession implements ReplSession, TcpEvents {
    private final PendingListener listener = new PendingListener();
    private final Totals totals;
    private final DataSink copy;
    private final Pipe pipe;
    private final CompletableFuture<Outcome> done = new CompletableFuture<>();
    private volatile netkit.engine.tcp.Listener server;
    private volatile ConnectionHandler handler;
    private volatile boolean console;
    private volatile boolean paused;
    private volatile boolean closedHere;

    /**
     * Create it before binding: it is the listener's {@link TcpEvents}. {@code copy} (may be null)
     * also gets every received byte ({@code -o FILE}).
     */
    public TcpListenSession(Totals totals, DataSink copy) {
        this.totals = totals;
        this.copy = copy;
        try {
            this.pipe = Pipe.open();
        } catch (IOException e) {
            throw NetkitException.from(e, "open the REPL input");
        }
    }

    /**
     * Serves on {@code server} in relay mode with the REPL as console until the listener is done
     * (one-shot: its client ended) or the REPL ends; Ctrl-C is exit 130.
     */
    public Outcome run(
            netkit.engine.tcp.Listener server, SessionOptions options, TrafficTap tap, ReplOptions replOptions) {
        this.server = server;
        // The REPL applies -C itself (and /crlf changes it): the engine must not convert again.
        SessionOptions engineOptions = new SessionOptions(
                options.idleTimeout(),
                options.stdinEof(),
                options.quitAfter(),
                options.allowHalfOpen(),
                options.traffic(),
                false);
        this.handler = new RelayHandler(pipe.source(), engineOptions, this::received, tap, this);
        return await(Interactive.run(this, replOptions));
    }

    /**
     * Serves with a handler whose console is the REPL ({@code --chat}): typed lines go to the
     * handler's console input as they are (the room has its own commands, so the REPL's are off) and
     * what the handler logs is shown. Connections are not announced: the room says who joined.
     */
    public Outcome runConsole(
            netkit.engine.tcp.Listener server,
            BiFunction<InputStream, OutputStream, ConnectionHandler> handlerFor,
            ReplOptions replOptions) {
        this.server = server;
        this.console = true;
        OutputStream log = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                listener.data(null, b, off, len);
            }
        };
        this.handler = handlerFor.apply(Channels.newInputStream(pipe.source()), log);
        return await(Interactive.run(this, replOptions.withoutCommands()));
    }

    private Outcome await(SessionRepl.End end) {
        Outcome outcome;
        try {
            outcome = done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
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
        listener.data("#" + from.id(), b, 0, b.length);
    }

    // ---- the listener's events, as notices ----

    @Override
    public void listening(Endpoint local) {
        listener.notice("listening on " + local.text());
    }

    @Override
    public void connection(Connection c, int open) {
        if (paused) {
            c.pause();
        }
        if (console) {
            return;
        }
        listener.notice("#" + c.id() + " connected from " + c.remote().text() + " (" + open + " open)");
    }

    /** After a client's TLS handshake, as the {@code tls} event of the non-interactive listener. */
    @Override
    public void handshaken(Connection c) {
        String tls = TlsSummary.text(c.transport().details());
        if (tls != null && !console) {
            listener.notice("#" + c.id() + " tls " + tls);
        }
    }

    @Override
    public void rejected(Endpoint remote, String reason) {
        listener.notice("rejected " + remote.text() + ": " + reason);
    }

    @Override
    public void closed(Connection c, Outcome outcome) {
        if (closedHere || console) {
            return;
        }
        // A one-shot listener's client outcome is the command's: its error is printed once, by the command.
        boolean commandReports = server != null && server.servesOneClient();
        String why = switch (outcome.kind()) {
            case CLOSED -> "";
            case IDLE_TIMEOUT -> commandReports ? "" : " (idle timeout)";
            case ERROR ->
                commandReports
                        ? ""
                        : " ("
                                + (outcome.error() == null
                                        ? "error"
                                        : outcome.error().getMessage()) + ")";
        };
        listener.notice(String.format(
                Locale.ROOT,
                "#%d closed: %d bytes sent, %d bytes received%s",
                c.id(),
                c.bytesWritten(),
                c.bytesRead(),
                why));
    }

    @Override
    public void warning(String text) {
        listener.notice(text);
    }

    // ---- the REPL's side ----

    @Override
    public String name() {
        netkit.engine.tcp.Listener s = server;
        return s == null
                ? "tcp-listen"
                : (console ? "chat " : "listen ")
                        + (s.local().port() >= 0
                                ? ":" + s.local().port()
                                : s.local().text());
    }

    @Override
    public Set<Feature> features() {
        return console ? EnumSet.noneOf(Feature.class) : EnumSet.of(Feature.HALF_CLOSE, Feature.PAUSE, Feature.CLIENTS);
    }

    @Override
    public void listen(ReplSession.Listener l) {
        listener.attach(l);
        // Accepting starts only now, when the REPL can show what comes.
        netkit.engine.tcp.Listener s = server;
        Thread.ofVirtual().name("tcp-listen").start(() -> {
            try {
                done.complete(s.serve(handler));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            } finally {
                listener.ended();
            }
        });
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, off, len);
        while (b.hasRemaining()) {
            pipe.sink().write(b);
        }
    }

    @Override
    public void endOfInput() throws IOException {
        pipe.sink().close();
    }

    @Override
    public void halfClose() throws IOException {
        for (Connection c : server.connections()) {
            c.shutdownOutput();
        }
    }

    @Override
    public void pause() {
        paused = true;
        server.connections().forEach(Connection::pause);
    }

    @Override
    public void resume() {
        paused = false;
        server.connections().forEach(Connection::resume);
    }

    @Override
    public Stats stats() {
        List<Connection> open = server.connections();
        long buffered = open.stream().mapToLong(Connection::bufferSize).sum();
        return new Stats(totals.bytesRead(), totals.bytesWritten(), buffered, open.size(), tlsDetail(open));
    }

    /** Each open TLS client's session for {@code /stats} ({@code tls #1 TLSv1.3 …; #2 …}), the first few; or null. */
    private static String tlsDetail(List<Connection> open) {
        List<String> sessions = new java.util.ArrayList<>();
        int tlsClients = 0;
        for (Connection c : open) {
            String tls = TlsSummary.text(c.transport().details());
            if (tls != null && tlsClients++ < TLS_CLIENTS_SHOWN) {
                sessions.add("#" + c.id() + " " + tls);
            }
        }
        if (tlsClients > TLS_CLIENTS_SHOWN) {
            sessions.add("+" + (tlsClients - TLS_CLIENTS_SHOWN) + " more (/clients)");
        }
        return sessions.isEmpty() ? null : "tls " + String.join("; ", sessions);
    }

    private static final int TLS_CLIENTS_SHOWN = 5;

    @Override
    public List<Client> clients() {
        return server.connections().stream()
                .map(c -> new Client("#" + c.id(), c.remote().text(), c.bytesRead(), c.bytesWritten()))
                .toList();
    }

    @Override
    public boolean kick(String id) {
        String digits = id.startsWith("#") ? id.substring(1) : id;
        try {
            return server.kick(Long.parseLong(digits));
        } catch (NumberFormatException e) {
            return false;
        }
    }

    @Override
    public void close() {
        closedHere = true;
        ConnectionHandler h = handler;
        if (console && h != null) {
            h.close(); // the room tells its members it is closing before the listener cuts them off
        }
        netkit.engine.tcp.Listener s = server;
        if (s != null) {
            s.close();
        }
        try {
            pipe.sink().close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
