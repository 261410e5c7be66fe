package netkit.engine.chat;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import netkit.NetkitException;
import netkit.engine.stream.SocketLoop;

/**
 * One client of the room: its lines become commands, and what the room says to it waits in a
 * bounded queue. A plain socket is served by the host's {@link SocketLoop}: no thread of its own
 * while idle, lines written at once by whoever sends them and only the rest queued. Any other
 * stream (TLS) has a reader (the host's thread, in {@link #run}) and a writer thread that drains
 * an {@link Outbox}. When reading ends (quit, end of stream, error, or its transport closed because
 * it did not read), the member leaves the room.
 */
public final class Member {
    private static final int READ_BUFFER = 1024;
    /** How long a leaving member's queued lines may take to go out before its socket is closed. */
    private static final Duration LEAVE_GRACE = Duration.ofSeconds(2);

    private final ChatRoom room;
    private final ChatTransport channel;
    private final SocketAddress remote;
    private final LineSplitter splitter;
    private volatile String nickname;
    private volatile String disconnectReason;
    /** What a broadcast reads of this member. */
    final Seat seat = new Seat(this);

    /** Where the member's lines go: set once, before it is served. */
    private volatile Output out;

    private volatile Thread reader;
    /** Completes when the member has left the room and its stream is closed (the loop's members). */
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    /** Left the room, stream closed: the two things {@link #done} waits for. */
    private final AtomicInteger untilDone = new AtomicInteger(2);

    private boolean gone; // loop thread only: the member left, later reads are ignored

    /** Served by a selector loop: its lines arrive on the loop's thread. Set before it is started. */
    private volatile boolean onLoop;

    /** What the room sends to one member: an {@link Outbox} and its thread, or a loop's queue. */
    private interface Output {
        boolean offer(ChatText.Line line, boolean crlf);

        void finish();

        void abort();

        boolean awaitIdle(Duration timeout) throws InterruptedException;
    }

    Member(ChatRoom room, ChatTransport channel, ChatOptions options) {
        this.room = room;
        this.channel = channel;
        this.remote = channel.remote();
        this.splitter = new LineSplitter(options.maxLineBytes());
    }

    /**
     * Serves the member from the host's selector loop when its stream allows it: greets it and
     * starts reading, and returns a future that completes when it has left and its stream is
     * closed; null when the stream needs a thread ({@link #run} then).
     */
    CompletableFuture<Void> startOnLoop(long limit) throws IOException {
        SocketLoop.Registration r = channel.register(limit, new SocketLoop.Client() {
            @Override
            public void received(ByteBuffer data) {
                if (!gone && !feed(data)) {
                    leave("quit");
                }
            }

            @Override
            public void ended(IOException error) {
                if (gone) {
                    return;
                }
                String reason = "closed";
                if (error == null) {
                    splitter.finish(Member.this::line);
                } else if (!(error instanceof ClosedChannelException)) {
                    reason = errorReason(error);
                }
                leave(reason);
            }
        });
        if (r == null) {
            return null;
        }
        out = new Output() {
            @Override
            public boolean offer(ChatText.Line line, boolean crlf) {
                SocketLoop.Shared shared = line.shared(crlf);
                return shared != null
                        ? r.offer(shared) != SocketLoop.Offered.REFUSED
                        : r.offer(ByteBuffer.wrap(line.bytes(crlf)));
            }

            @Override
            public void finish() {
                r.finish(LEAVE_GRACE, Member.this::streamClosed);
            }

            @Override
            public void abort() {
                r.discard();
            }

            @Override
            public boolean awaitIdle(Duration timeout) throws InterruptedException {
                return r.awaitFlushed(timeout);
            }
        };
        seat.loop = r;
        onLoop = true;
        room.greet(this);
        r.start();
        return done;
    }

    /**
     * Tells the room this member left, with {@code reason} unless it was disconnected with one of its own,
     * and lets what is still queued for it be written; either serving path ends with this.
     */
    private void leaveRoom(String reason) {
        try {
            room.leave(this, disconnectReason != null ? disconnectReason : reason);
        } catch (RuntimeException e) {
            room.events().failed("leave of " + remote, e);
        }
        out.finish();
    }

    /** The member leaves (loop thread): the room is told, then its queue is written and its stream closed. */
    private void leave(String reason) {
        gone = true;
        leaveRoom(reason);
        if (untilDone.decrementAndGet() == 0) {
            done.complete(null);
        }
    }

    private void streamClosed() {
        closeChannel();
        if (untilDone.decrementAndGet() == 0) {
            done.complete(null);
        }
    }

    private static String errorReason(IOException e) {
        return "error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** Splits what arrived into lines for the room; false once the member quit. */
    private boolean feed(ByteBuffer in) {
        try {
            return splitter.feed(in, this::line);
        } catch (RuntimeException | Error e) {
            room.events().failed("reader of " + remote, e);
            disconnect("error: internal");
            return true;
        }
    }

    /** Whether a selector loop serves this member (its lines arrive on the loop's thread). */
    boolean onLoop() {
        return onLoop;
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

    /** Serves the member with a reader (the calling thread) and a writer thread, until it has left. */
    void run(long limit) {
        Outbox outbox = new Outbox(limit, "chat-writer", new Outbox.Writer() {
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
        out = new Output() {
            @Override
            public boolean offer(ChatText.Line line, boolean crlf) {
                return outbox.offer(line.bytes(crlf));
            }

            @Override
            public void finish() {
                outbox.finish();
            }

            @Override
            public void abort() {
                outbox.abort();
            }

            @Override
            public boolean awaitIdle(Duration timeout) throws InterruptedException {
                return outbox.awaitIdle(timeout);
            }
        };
        reader = Thread.currentThread();
        read();
    }

    /** Queues a line for this member; false when its outbox is full (it does not read) or closed. */
    boolean send(ChatText.Line line) {
        return seat.send(line);
    }

    /** Members made so far: a seat's place in the order of arrival. */
    private static final AtomicLong ARRIVALS = new AtomicLong();

    /**
     * What a broadcast reads of a member, in one small object: the {@link Broadcaster} walks these, and at
     * 10,000 members every object it reaches per member is a cache miss (the kernel's socket structures
     * evict them between broadcasts); the member itself is ~100 bytes, two cache lines.
     */
    static final class Seat {
        final Member member;
        /** The {@link Broadcaster}'s sequence number when the member joined; room lock. */
        long joinSeq = Long.MAX_VALUE;
        /** The number of the {@link Broadcaster}'s last flush that carried a line the member said; room lock. */
        long saidInFlush;
        /** Whether the seat is in the {@link Broadcaster}'s audience; room lock. */
        boolean seated;
        /** The member's loop registration, for a member on a loop; set before it is served. */
        volatile SocketLoop.Registration loop;
        /** The line ending the member used last: the one it gets. */
        volatile boolean crlf;

        /** The member's place in the order of arrival: the audience is kept in it (see {@link Broadcaster}). */
        final long arrival = ARRIVALS.getAndIncrement();

        Seat(Member member) {
            this.member = member;
        }

        /** Queues a line for the member; false when its queue is full (it does not read) or closed. */
        boolean send(ChatText.Line line) {
            SocketLoop.Registration r = loop;
            SocketLoop.Shared shared;
            if (r != null && (shared = line.shared(crlf)) != null) {
                // what the member's output does on a loop, without reaching the member
                return r.offer(shared) != SocketLoop.Offered.REFUSED;
            }
            return member.out.offer(line, crlf);
        }
    }

    /**
     * Disconnects this member at once, dropping what was queued for it: its reader ends and the
     * member leaves the room with {@code reason}.
     */
    void disconnect(String reason) {
        if (disconnectReason == null) {
            disconnectReason = reason;
        }
        out.abort();
        closeChannel();
    }

    /** Lets the writer finish what is queued, then closes; the reader ends with it. */
    void finish() {
        out.finish();
    }

    /** Waits up to {@code millis} until everything queued was written (after {@link #finish}). */
    void awaitWriter(long millis) throws InterruptedException {
        out.awaitIdle(Duration.ofMillis(millis));
    }

    /** Waits up to {@code millis} for the reader to end (the member has left then). */
    void awaitReader(long millis) throws InterruptedException {
        if (reader != null) {
            reader.join(Duration.ofMillis(millis));
        } else {
            try {
                done.get(millis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                // gone or not: the room closes its stream either way
            }
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
            reason = errorReason(e);
        } catch (NetkitException e) {
            // the stream's own failure in netkit's words, not a bug: a TLS member that left without
            // close_notify (EPROTO: its lines were complete, so it simply closed), an alert
            reason = "EPROTO".equals(e.code()) ? "closed" : "error: " + e.getMessage();
        } catch (RuntimeException | Error e) {
            room.events().failed("reader of " + remote, e);
            reason = "error: internal";
        } finally {
            leaveRoom(reason);
            try {
                // A peer that stopped reading must not keep this thread: bounded wait, then close.
                out.awaitIdle(LEAVE_GRACE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeChannel();
        }
    }

    private boolean line(byte[] bytes, int length, boolean cut, boolean crlfLine) {
        if (!cut) { // a cut line's end is not known yet: keep the member's last line ending
            seat.crlf = crlfLine;
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
