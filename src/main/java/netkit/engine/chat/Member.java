package netkit.engine.chat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;

/**
 * One client of the room: a reader thread that turns its lines into commands, and a writer
 * thread that drains its bounded {@link Outbox}. The member's lifetime is its reader's: when
 * the reader ends (quit, end of stream, error, or its channel closed because it did not read),
 * the member leaves the room.
 */
public final class Member {
    private static final int READ_BUFFER = 1024;

    private final ChatRoom room;
    private final SocketChannel channel;
    private final SocketAddress remote;
    private final Outbox outbox;
    private final LineSplitter splitter;
    private volatile String nickname;
    private volatile boolean crlf;
    private volatile String disconnectReason;
    private Thread reader;
    private Thread writer;

    Member(ChatRoom room, SocketChannel channel, SocketAddress remote, ChatOptions options) {
        this.room = room;
        this.channel = channel;
        this.remote = remote;
        this.outbox = new Outbox(options.outboxBytes());
        this.splitter = new LineSplitter(options.maxLineBytes());
    }

    /** The nickname, or {@code null} while the member is still choosing one. */
    public String nickname() {
        return nickname;
    }

    public SocketAddress remote() {
        return remote;
    }

    void nickname(String name) {
        nickname = name;
    }

    void start() {
        writer = Thread.ofVirtual().name("chat-writer").unstarted(this::write);
        reader = Thread.ofVirtual().name("chat-reader").unstarted(this::read);
        writer.start();
        reader.start();
    }

    /** Queues a line for this member; false when its outbox is full (it does not read) or closed. */
    boolean send(ChatText.Line line) {
        return outbox.offer(line.bytes(crlf));
    }

    /**
     * Disconnects this member at once, dropping what was queued for it: its reader ends and the
     * member leaves the room with {@code reason}.
     */
    void disconnect(String reason) {
        if (disconnectReason == null) {
            disconnectReason = reason;
        }
        outbox.abort();
        closeChannel();
    }

    /** Lets the writer finish what is queued, then closes; the reader ends with it. */
    void finish() {
        outbox.finish();
    }

    /** Waits up to {@code millis} for the writer to end (after {@link #finish}). */
    void awaitWriter(long millis) throws InterruptedException {
        if (writer != null) {
            writer.join(java.time.Duration.ofMillis(millis));
        }
    }

    /** Waits up to {@code millis} for the reader to end (the member has left then). */
    void awaitReader(long millis) throws InterruptedException {
        if (reader != null) {
            reader.join(java.time.Duration.ofMillis(millis));
        }
    }

    private void read() {
        String reason = "closed";
        try {
            room.greet(this);
            ByteBuffer in = ByteBuffer.allocate(READ_BUFFER);
            boolean open = true;
            while (open) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    splitter.finish(this::line);
                    break;
                }
                in.flip();
                open = splitter.feed(in, this::line);
            }
            if (!open) {
                reason = "quit";
            }
        } catch (ClosedChannelException e) {
            reason = "closed";
        } catch (IOException e) {
            reason = "error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (RuntimeException | Error e) {
            room.events().failed("reader of " + remote, e);
            reason = "error: internal";
        } finally {
            if (disconnectReason != null) {
                reason = disconnectReason;
            }
            try {
                room.leave(this, reason);
            } catch (RuntimeException e) {
                room.events().failed("leave of " + remote, e);
            }
            outbox.finish();
            try {
                // A peer that stopped reading must not keep this thread: bounded wait, then close.
                writer.join(java.time.Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeChannel();
        }
    }

    private boolean line(byte[] bytes, int length, boolean cut, boolean crlfLine) {
        crlf = crlfLine;
        String text = ChatText.clean(bytes, 0, length);
        return room.received(this, text, cut);
    }

    private void write() {
        try {
            byte[][] batch;
            while ((batch = outbox.take()) != null) {
                ByteBuffer[] buffers = new ByteBuffer[batch.length];
                for (int i = 0; i < batch.length; i++) {
                    buffers[i] = ByteBuffer.wrap(batch[i]);
                }
                ByteBuffer last = buffers[buffers.length - 1];
                while (last.hasRemaining()) {
                    channel.write(buffers);
                }
            }
        } catch (IOException e) {
            // The peer is gone: closing makes the reader end and the member leave.
            closeChannel();
        } catch (InterruptedException e) {
            closeChannel();
        } catch (RuntimeException | Error e) {
            room.events().failed("writer of " + remote, e);
            closeChannel();
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the descriptor is released either way
        }
    }

    @Override
    public String toString() {
        return (nickname == null ? "(no nickname)" : nickname) + " " + remote;
    }
}
