package netkit.engine.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import netkit.engine.tcp.ChatHandler;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.ListenOptions;
import netkit.engine.tcp.Listener;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.TcpEvents;
import netkit.engine.tcp.Totals;

/**
 * A room served as {@code tcp-listen --chat} serves it: the engine's {@link Listener} on loopback
 * port 0 with a {@link ChatHandler}, so members talk to the room over the production transport
 * (a {@link netkit.engine.tcp.Connection} each) and the listener enforces the connection limit.
 * The console's input is a pipe ({@link #console}); the log, the room's leave events and the
 * listener's close events are captured.
 */
final class RoomFixture implements AutoCloseable {
    final ChatRoom room;
    final Listener listener;
    final int port;
    final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> leaves = new LinkedBlockingQueue<>();
    /** One entry per connection the listener closed (rejected ones included). */
    final BlockingQueue<Long> closed = new LinkedBlockingQueue<>();

    private final List<ChatClient> clients = new ArrayList<>();
    private final Pipe console = Pipe.open();
    private final CompletableFuture<Outcome> serving = new CompletableFuture<>();

    RoomFixture(ChatOptions options) throws IOException {
        RoomEvents events = new RoomEvents() {
            @Override
            public void failed(String where, Throwable error) {
                failures.add(error);
            }

            @Override
            public void left(String nickname, SocketAddress remote, int online, String reason) {
                leaves.add(nickname + ": " + reason);
            }
        };
        TcpEvents tcp = new TcpEvents() {
            @Override
            public void closed(Connection connection, Outcome outcome) {
                closed.add(connection.id());
            }

            @Override
            public void warning(String text) {
                failures.add(new AssertionError(text));
            }
        };
        room = new ChatRoom(options, new LineLog(log), events);
        ChatHandler handler = new ChatHandler(room, Channels.newInputStream(console.source()), tcp);
        listener = Listener.bind(
                ListenOptions.builder()
                        .address(InetAddress.getByName("127.0.0.1"))
                        .port(0)
                        .backlog(512)
                        .keepOpen(true)
                        .maxConns(options.maxConnections())
                        .build(),
                tcp,
                new Totals());
        port = listener.local().port();
        Thread.ofVirtual().start(() -> {
            try {
                serving.complete(listener.serve(handler));
            } catch (Throwable t) {
                serving.completeExceptionally(t);
            }
        });
    }

    RoomFixture() throws IOException {
        this(ChatOptions.defaults());
    }

    ChatClient connect() throws IOException {
        ChatClient c = new ChatClient(port, false).reading();
        clients.add(c);
        return c;
    }

    /** Connects, reads the greeting and joins as {@code nick}. */
    ChatClient join(String nick) throws IOException, InterruptedException {
        ChatClient c = connect();
        c.awaitLine(l -> l.startsWith("* choose a nickname"));
        c.send(nick);
        c.awaitLine(l -> l.startsWith("* welcome, " + nick + " "));
        return c;
    }

    /** The next log line that matches, within the deadline. */
    String awaitLog(java.util.function.Predicate<String> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ChatClient.WAIT_MS);
        List<String> seen = new ArrayList<>();
        while (true) {
            String line = log.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no matching log line; saw " + seen);
            }
            if (p.test(line)) {
                return line;
            }
            seen.add(line);
        }
    }

    /** Types {@code text} on the console (the server's stdin). */
    void console(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            console.sink().write(b);
        }
    }

    /** Waits until the listener has stopped serving (and the room is closed); fails after the deadline. */
    Outcome awaitStopped() throws Exception {
        return serving.get(ChatClient.WAIT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        console.sink().close();
        listener.close();
        awaitStopped();
        for (ChatClient c : clients) {
            c.close();
        }
    }

    /** An OutputStream that turns the room log into lines. */
    static final class LineLog extends OutputStream {
        private final BlockingQueue<String> lines;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LineLog(BlockingQueue<String> lines) {
            this.lines = lines;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                lines.add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
