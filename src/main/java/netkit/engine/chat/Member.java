package netkit.engine.chat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

/**
 * One client of the room: a reader (the host's thread, in {@link #run}) that turns its lines into
 * commands, and a writer thread that drains its bounded {@link Outbox}. The member's lifetime is
 * its reader's: when the reader ends (quit, end of stream, error, or its transport closed because
 * it did not read), the member leaves the room.
 */
public final class Member {
    private static final int READ_BUFFER = 1024;

    private final ChatRoom room;
    private final ChatTransport channel;
    private final SocketAddress remote;
    private final Outbox outbox;
    private final LineSplitter splitter;
    private volatile String nickname;
    private volatile boolean crlf;
    private volatile String disconnectReason;
    /** The {@link Broadcaster}'s sequence number when this member joined; guarded by the room lock. */
    long joinSeq = Long.MAX_VALUE;

    private volatile Thread reader;

    Member(ChatRoom room, ChatTransport channel, ChatOptions options) {
        this.room = room;
        this.channel = channel;
        this.remote = channel.remote();
        this.outbox = new Outbox(options.outboxBytes(), "chat-writer", new Outbox.Writer() {
            @Override
            public void write(byte[][] batch) throws IOException {
                writeAll(batch);
            }

            @Override
            public void failed(Exception e) {
                // The peer is gone: closing makes the reader end and the member leave.
                if (!(e instanceof IOException)) {
                    room.events().failed("writer of " + remote, e);
                }
                closeChannel();
            }
        });
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

    /** Runs the reader in the calling thread, until the member has left. */
    void run() {
        reader = Thread.currentThread();
        read();
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

    /** Waits up to {@code millis} until everything queued was written (after {@link #finish}). */
    void awaitWriter(long millis) throws InterruptedException {
        outbox.awaitIdle(java.time.Duration.ofMillis(millis));
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
                outbox.awaitIdle(java.time.Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeChannel();
        }
    }

    private boolean line(byte[] bytes, int length, boolean cut, boolean crlfLine) {
        if (!cut) { // a cut line's end is not known yet: keep the member's last line ending
            crlf = crlfLine;
        }
        String text = ChatText.clean(bytes, 0, length);
        return room.received(this, text, bytes, length, cut);
    }

    private void writeAll(byte[][] batch) throws IOException {
        ByteBuffer[] buffers = new ByteBuffer[batch.length];
        for (int i = 0; i < batch.length; i++) {
            buffers[i] = ByteBuffer.wrap(batch[i]);
        }
        channel.write(buffers);
    }

    private void closeChannel() {
        channel.close();
    }

    @Override
    public String toString() {
        return (nickname == null ? "(no nickname)" : nickname) + " " + remote;
    }
}
