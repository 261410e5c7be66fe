package netkit.engine.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import netkit.engine.chat.ChatRoom;
import netkit.engine.chat.ChatTransport;
import netkit.engine.stream.Endpoint;
import netkit.engine.stream.SocketLoop;

/**
 * {@code --chat}: every client becomes a member of one {@link ChatRoom}; the console (our stdin)
 * takes part as the user {@code server}. The listener enforces {@code -m} (so a turned-away client
 * is logged as rejected, like in every mode); the room writes it the {@code server full} line.
 */
public final class ChatHandler implements ConnectionHandler {
    private final ChatRoom room;
    private final InputStream console;
    private final TcpEvents events;
    private SocketLoop loop;

    /** {@code console} may be null: a room without console input. */
    public ChatHandler(ChatRoom room, InputStream console, TcpEvents events) {
        this.room = room;
        this.console = console;
        this.events = events;
    }

    @Override
    public void open(Listener listener) {
        if (console != null && room.options().consoleName() != null) {
            Threads.start("chat-console", () -> {
                try {
                    if (room.runConsole(console)) {
                        // the console typed /quit: the members hear it from the room before the listener cuts them off
                        room.close();
                        listener.close();
                    }
                } catch (IOException e) {
                    events.warning("read stdin: " + e.getMessage());
                }
            });
        }
    }

    @Override
    public void overLimit(Connection connection) {
        turnAway(connection);
    }

    /**
     * The room's closing or {@code server full} line, written without blocking (the accept loop calls
     * this), and the reason for the log: on a plain socket at once; a transport with a handshake (TLS)
     * cannot say it without one, and is only closed.
     */
    private String turnAway(Connection connection) {
        if (connection.transport().plain()) {
            return room.turnAway(connection.transport().socket());
        }
        return "server full";
    }

    @Override
    public Outcome serve(Connection connection) {
        return serveDetached(connection).join();
    }

    /** A member on a plain socket is served by the room's selector loop: this thread ends at once. */
    @Override
    public CompletableFuture<Outcome> serveDetached(Connection connection) {
        CompletableFuture<Void> left = room.open(transport(connection, this::loop));
        if (left == null) { // rare: the room is closing, or filled after the listener's -m check
            events.rejected(connection.remote(), turnAway(connection));
            return CompletableFuture.completedFuture(Outcome.CLOSED);
        }
        return left.thenApply(v -> Outcome.CLOSED);
    }

    /** A member on a plain socket: the room registers it with its loop, which serves it from then on. */
    @Override
    public boolean servesWithoutBlocking(Connection connection) {
        return connection.transport().plain();
    }

    /** The loop that serves the members on plain sockets, started with the first of them. */
    private synchronized SocketLoop loop() throws IOException {
        if (loop == null) {
            loop = new SocketLoop("chat-loop");
            room.flushOn(loop);
        }
        return loop;
    }

    /** Closes the room, telling every member; idempotent, so a host may call it before the listener stops. */
    @Override
    public void close() {
        room.close();
        synchronized (this) {
            if (loop != null) {
                loop.close();
            }
        }
    }

    /**
     * The member's byte stream through the {@link Connection}, so that its {@code bytesRead},
     * {@code bytesWritten} and close event count what the room moved.
     */
    static ChatTransport transport(Connection c, LoopSupplier loop) {
        return new ChatTransport() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                return c.read(dst);
            }

            @Override
            public void write(ByteBuffer[] srcs) throws IOException {
                c.write(srcs); // gathering: the batch leaves in one call, without a copy
            }

            @Override
            public void close() {
                c.close();
            }

            @Override
            public SocketAddress remote() {
                return c.remote() instanceof Endpoint.Inet inet ? inet.socketAddress() : null;
            }

            @Override
            public SocketLoop.Registration register(long limit, SocketLoop.Client client) throws IOException {
                return c.transport().plain() ? Hubs.register(loop.get(), c, limit, client) : null;
            }
        };
    }

    /** The selector loop, made on first use. */
    interface LoopSupplier {
        SocketLoop get() throws IOException;
    }
}
