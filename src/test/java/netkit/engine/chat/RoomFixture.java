package netkit.engine.chat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A room behind its own loopback listener (port 0), with its log and events captured. */
final class RoomFixture implements AutoCloseable {
    final ChatRoom room;
    final ServerSocketChannel server;
    final int port;
    final BlockingQueue<String> log = new LinkedBlockingQueue<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final BlockingQueue<String> leaves = new LinkedBlockingQueue<>();
    private final List<ChatClient> clients = new ArrayList<>();
    private final Thread acceptor;

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
        room = new ChatRoom(options, new LineLog(log), events);
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 512);
        port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        acceptor = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    SocketChannel c = server.accept();
                    room.admit(c);
                }
            } catch (IOException e) {
                // listener closed: the test is over
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

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(java.time.Duration.ofSeconds(5));
        for (ChatClient c : clients) {
            c.close();
        }
        room.close();
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
