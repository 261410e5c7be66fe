package netkit.engine.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import netkit.engine.chat.NoticeMerger.Notice;
import netkit.engine.stream.SocketLoop;

/**
 * A line-based chat room (SPEC §4) that any telnet or nc client can use. The host serves each
 * connection with {@link #open} (or {@link #serve} on a thread of its own); it becomes a
 * {@link Member}, served by the host's selector loop when its stream is a plain socket (no thread
 * while idle; broadcasts written at once by the broadcasting thread), else by a reader and a
 * writer virtual thread. The console user
 * ({@link ChatOptions#consoleName()}, {@code server}) speaks through {@link #runConsole} and the
 * room log (every line of traffic) goes to the {@code log} stream.
 *
 * <p>Every change of membership and every broadcast happens under one lock, so all members see
 * the same order. A broadcast encodes its line once and the {@link Broadcaster} sends the same
 * bytes to every member; sending never blocks (what a socket does not take waits in the member's
 * bounded queue), and a member whose queue is full is disconnected after the broadcast instead
 * of slowing the others.
 */
public final class ChatRoom implements AutoCloseable {
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    static final ChatText.Line HELP = ChatText.lines(List.of(
            "* commands:",
            "*   /nick NEW        change your nickname",
            "*   /msg NAME TEXT   private message to NAME (they see *YOU* TEXT)",
            "*   /list            who is online",
            "*   /help            this help",
            "*   /quit, byebye    leave the room",
            "*   //TEXT           send a line that starts with /",
            "* any other line goes to everyone else as <YOU> TEXT"));
    private static final ChatText.Line CLOSING = ChatText.line("* the server is closing the room");

    private final ChatOptions options;
    private final RoomEvents events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Member> named = new HashMap<>();
    private final Set<Member> connected = new HashSet<>();
    private final Outbox log;
    private final Broadcaster broadcasts;
    private boolean closed;

    /**
     * @param log where the room's traffic is written, one line each (the console's stdout), or
     *     {@code null} for no log; a log that blocks drops lines instead of stalling the room
     */
    public ChatRoom(ChatOptions options, OutputStream log, RoomEvents events) {
        this.options = options;
        this.events = events == null ? RoomEvents.NONE : events;
        this.log = log == null
                ? null
                : new Outbox(Math.max(16L << 20, options.outboxBytes()), "chat-log", new Outbox.Writer() {
                    @Override
                    public void write(byte[][] batch) throws IOException {
                        for (byte[] b : batch) {
                            log.write(b);
                        }
                        log.flush();
                    }

                    @Override
                    public void failed(Exception e) {
                        ChatRoom.this.events.failed("room log", e);
                    }
                });
        this.broadcasts = new Broadcaster(lock, this::disconnectSlow, this.events);
    }

    public ChatOptions options() {
        return options;
    }

    RoomEvents events() {
        return events;
    }

    /**
     * Serves one member in the calling thread until it leaves; the host closes the transport
     * afterwards. Returns false at once, without writing, when the room is closed or holds
     * {@link ChatOptions#maxConnections()} already: the host then {@linkplain #turnAway turns the
     * connection away}.
     */
    public boolean serve(ChatTransport transport) {
        Member member = admit(transport);
        if (member == null) {
            return false;
        }
        member.run(options.outboxBytes());
        return true;
    }

    /**
     * Serves one member like {@link #serve}, but without holding the calling thread when its stream
     * can be served by the host's selector loop ({@link ChatTransport#register}): returns a future
     * that completes when the member has left and its stream is closed (at once for a stream served
     * in the calling thread, which returns only then), or null when the room turned it away.
     */
    public CompletableFuture<Void> open(ChatTransport transport) {
        Member member = admit(transport);
        if (member == null) {
            return null;
        }
        CompletableFuture<Void> left;
        try {
            left = member.startOnLoop(options.outboxBytes());
        } catch (IOException e) {
            leave(member, "error: " + e.getMessage());
            transport.close();
            return CompletableFuture.completedFuture(null);
        }
        if (left == null) {
            member.run(options.outboxBytes());
            return CompletableFuture.completedFuture(null);
        }
        return left;
    }

    private Member admit(ChatTransport transport) {
        lock.lock();
        try {
            if (closed || (options.maxConnections() > 0 && connected.size() >= options.maxConnections())) {
                return null;
            }
            Member member = new Member(this, transport, options);
            connected.add(member);
            return member;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Turns a connection away with one line before the close: {@code server full} (the room or
     * the host's connection limit is full), or the closing notice when the room is closing.
     * Never blocks: the write is non-blocking, and the socket's send buffer is empty. Returns the
     * reason, for the host's log.
     */
    public String turnAway(SocketChannel channel) {
        boolean closing;
        lock.lock();
        try {
            closing = closed;
        } finally {
            lock.unlock();
        }
        String reason;
        ChatText.Line line;
        if (closing) {
            reason = "the room is closing";
            line = CLOSING;
        } else {
            int max = options.maxConnections();
            String limit = max > 0 ? " (" + max + (max == 1 ? " connection)" : " connections)") : "";
            reason = "server full" + limit;
            line = ChatText.line("! server full" + limit + ", try again later");
        }
        SocketAddress remote = remoteOf(channel);
        try (channel) {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(line.bytes(false)));
        } catch (IOException | RuntimeException ignored) {
            // the client may be gone already; it is closed either way
        }
        events.rejected(remote, reason);
        return reason;
    }

    /**
     * The selector loop that serves the members on plain sockets: the room's batched broadcasts are
     * written from its thread from now on, straight to those sockets.
     */
    public void flushOn(SocketLoop loop) {
        lock.lock();
        try {
            broadcasts.flushOnLocked(loop);
        } finally {
            lock.unlock();
        }
    }

    void greet(Member m) {
        int online;
        lock.lock();
        try {
            online = onlineLocked();
        } finally {
            lock.unlock();
        }
        sendOrDrop(
                m,
                ChatText.lines(List.of(
                        "* welcome to netkit chat (" + online + " online)",
                        "* choose a nickname (1-" + ChatText.MAX_NICKNAME + " letters, digits, _ - .):")));
    }

    /**
     * One line from a member: {@code text} is the line {@linkplain ChatText#clean cleaned},
     * {@code raw[0..rawLength)} its bytes as received (valid during the call only; nickname rules
     * name a refused character from them). {@code cut}: the line was longer than the limit and
     * was cut. Returns false when the member leaves (quit).
     */
    boolean received(Member m, String text, byte[] raw, int rawLength, boolean cut) {
        if (cut) {
            sendOrDrop(
                    m,
                    ChatText.line("! your line was longer than " + options.maxLineBytes() + " bytes: only its first "
                            + options.maxLineBytes() + " bytes were used"));
        }
        if (m.nickname() == null) {
            return chooseNickname(m, text, ChatText.decode(raw, 0, rawLength));
        }
        return switch (ChatCommand.parse(text)) {
            case ChatCommand.Say say -> {
                broadcast(m, ChatText.line("<" + m.nickname() + "> " + say.text()));
                yield true;
            }
            case ChatCommand.Nick nick -> {
                // the name as received, so that a refused character is named, not shown as its escape
                String name = ChatCommand.parse(ChatText.decode(raw, 0, rawLength)) instanceof ChatCommand.Nick n
                        ? n.name()
                        : nick.name();
                rename(m, name);
                yield true;
            }
            case ChatCommand.Msg msg -> {
                whisper(m, m.nickname(), msg.to(), msg.text());
                yield true;
            }
            case ChatCommand.ListUsers l -> {
                sendOrDrop(m, listLine());
                yield true;
            }
            case ChatCommand.Help h -> {
                sendOrDrop(m, HELP);
                yield true;
            }
            case ChatCommand.Quit q -> {
                sendOrDrop(m, ChatText.line("* bye"));
                yield false;
            }
            case ChatCommand.Invalid inv -> {
                sendOrDrop(m, ChatText.line("! " + inv.error()));
                yield true;
            }
            case ChatCommand.Nothing n -> true;
        };
    }

    /** The first line of a member without a nickname; {@code raw} is the line as received. */
    private boolean chooseNickname(Member m, String text, String raw) {
        ChatCommand c = ChatCommand.parse(text.strip());
        if (c instanceof ChatCommand.Quit) {
            sendOrDrop(m, ChatText.line("* bye"));
            return false;
        }
        if (c instanceof ChatCommand.Nothing) {
            sendOrDrop(
                    m, ChatText.line("* choose a nickname (1-" + ChatText.MAX_NICKNAME + " letters, digits, _ - .):"));
            return true;
        }
        String name = raw.strip();
        List<Member> slow = new ArrayList<>();
        int online;
        String problem;
        lock.lock();
        try {
            problem = nicknameProblemLocked(name, null);
            if (problem == null) {
                m.nickname(name);
                named.put(ChatText.key(name), m);
                broadcasts.joinLocked(m);
                online = onlineLocked();
                broadcasts.sendLocked(
                        m,
                        ChatText.line("* welcome, " + name + " (" + online + " online). /help lists the commands"),
                        slow);
                broadcastLocked(m, Notice.joined(name, online), slow);
            } else {
                online = 0;
                broadcasts.sendLocked(m, ChatText.line("! " + problem + "; choose another nickname:"), slow);
            }
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
        if (problem == null) {
            events.joined(name, m.remote(), online);
        }
        return true;
    }

    /**
     * Why {@code name} (as received) cannot be the nickname of {@code renaming} (null: a member
     * choosing its first), or null: the text rules, the console's name and names that pass for it,
     * the word that leaves, and the names taken.
     */
    private String nicknameProblemLocked(String name, Member renaming) {
        String problem = ChatText.nicknameProblem(name);
        if (problem != null) {
            return problem;
        }
        String key = ChatText.key(name);
        String console = options.consoleName();
        if (console != null && key.equals(ChatText.key(console))) {
            return "'" + name + "' is the server's name";
        }
        if (console != null && ChatText.looksLike(name, console)) {
            return "'" + name + "' looks like the server's name '" + console + "'";
        }
        if (key.equals("byebye")) {
            return "'" + name + "' is the word that leaves the room";
        }
        Member holder = named.get(key);
        if (holder != null && holder != renaming) {
            return "'" + name + "' is taken";
        }
        return null;
    }

    private void rename(Member m, String name) {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            String old = m.nickname();
            String problem = nicknameProblemLocked(name, m);
            if (problem != null) {
                broadcasts.sendLocked(m, ChatText.line("! " + problem), slow);
            } else if (!old.equals(name)) {
                named.remove(ChatText.key(old));
                named.put(ChatText.key(name), m);
                m.nickname(name);
                broadcastLocked(null, ChatText.line("* " + old + " is now known as " + name), slow);
            }
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
    }

    /**
     * A private message from member {@code from} (null: the console) whose nickname is
     * {@code fromName}: the target gets {@code *FROM* TEXT}, the sender {@code -> *TO* TEXT} as
     * its receipt, the log {@code *FROM -> TO* TEXT}; an unknown target is an error for the sender.
     */
    void whisper(Member from, String fromName, String to, String text) {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            String key = ChatText.key(to);
            Member target = named.get(key);
            String console = options.consoleName();
            ChatText.Line line = ChatText.line("*" + fromName + "* " + text);
            if (target != null) {
                broadcasts.sendLocked(target, line, slow);
                logLocked(ChatText.line("*" + fromName + " -> " + target.nickname() + "* " + text));
                if (from != null) {
                    broadcasts.sendLocked(from, ChatText.line("-> *" + target.nickname() + "* " + text), slow);
                }
            } else if (console != null && key.equals(ChatText.key(console))) {
                logLocked(line);
                if (from != null) {
                    broadcasts.sendLocked(from, ChatText.line("-> *" + console + "* " + text), slow);
                }
            } else {
                ChatText.Line error = ChatText.line("! no user named '" + to + "' (/list shows who is online)");
                if (from != null) {
                    broadcasts.sendLocked(from, error, slow);
                } else {
                    logLocked(error);
                }
            }
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
    }

    /**
     * Sends {@code line} to every member with a nickname except {@code sender} (null: the console), and
     * to the log. A member served by a selector loop says it on that loop's thread, which sends it then
     * and there; other lines go through the flusher.
     */
    void broadcast(Member sender, ChatText.Line line) {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            if (sender != null && sender.onLoop()) {
                broadcasts.sendNowLocked(sender, line, slow);
                logLocked(line);
            } else {
                broadcastLocked(sender, line, slow);
            }
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
    }

    private void broadcastLocked(Member sender, ChatText.Line line, List<Member> slow) {
        broadcasts.queueLocked(sender, line, null, slow);
        logLocked(line);
    }

    /** A join or leave notice for everyone but {@code about}, which a flush may merge with others. */
    private void broadcastLocked(Member about, Notice notice, List<Member> slow) {
        ChatText.Line line = notice.line();
        broadcasts.queueLocked(about, line, notice, slow);
        logLocked(line);
    }

    /** A reply to one member outside any broadcast; a member that does not read is disconnected. */
    private void sendOrDrop(Member m, ChatText.Line line) {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            broadcasts.sendLocked(m, line, slow);
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
    }

    private void disconnectSlow(List<Member> slow) {
        for (Member m : slow) {
            m.disconnect("not reading: more than " + options.outboxBytes() + " bytes waiting");
        }
    }

    void leave(Member m, String reason) {
        List<Member> slow = new ArrayList<>();
        String name = m.nickname();
        int online = 0;
        boolean announced = false;
        lock.lock();
        try {
            connected.remove(m);
            if (name != null && named.get(ChatText.key(name)) == m) {
                named.remove(ChatText.key(name));
                broadcasts.leaveLocked(m);
                online = onlineLocked();
                announced = true;
                if (!closed) {
                    broadcastLocked(m, Notice.left(name, online), slow);
                }
            }
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
        if (announced) {
            events.left(name, m.remote(), online, reason);
        }
    }

    /** {@code * N online: a, b, server}, sorted ignoring case. */
    ChatText.Line listLine() {
        lock.lock();
        try {
            List<String> names = new ArrayList<>(named.size() + 1);
            for (Member m : named.values()) {
                names.add(m.nickname());
            }
            if (options.consoleName() != null) {
                names.add(options.consoleName());
            }
            names.sort(String.CASE_INSENSITIVE_ORDER);
            return ChatText.line("* " + names.size() + " online: " + String.join(", ", names));
        } finally {
            lock.unlock();
        }
    }

    /** Users in the room: members with a nickname, plus the console user. */
    private int onlineLocked() {
        return named.size() + (options.consoleName() != null ? 1 : 0);
    }

    /**
     * Reads the console user's lines from {@code in} until end of stream or {@code /quit}, in the
     * calling thread (see {@link ChatConsole}). Returns true when the console typed {@code /quit}:
     * the host should {@linkplain #close close the room} (which tells every member) and stop;
     * false at end of input (the room goes on).
     */
    public boolean runConsole(InputStream in) throws IOException {
        return new ChatConsole(this, options).run(in);
    }

    /** A line for the log only: replies to the console. */
    void log(ChatText.Line line) {
        lock.lock();
        try {
            logLocked(line);
        } finally {
            lock.unlock();
        }
    }

    /** A line for the log; one that does not fit while the log's stream lags behind is dropped. */
    private void logLocked(ChatText.Line line) {
        if (log != null) {
            log.offer(line.bytes(false));
        }
    }

    /**
     * Tells every member the room is closing (and the log, when anyone was there), gives their
     * writers a moment to deliver it, closes every connection and flushes the log. Connections
     * that come meanwhile are not served ({@link #serve} returns false). Idempotent; waits a
     * bounded time, so a host may call it before it stops listening.
     */
    @Override
    public void close() {
        List<Member> all;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(connected);
            broadcasts.closeLocked(new ArrayList<>());
            if (!all.isEmpty()) {
                logLocked(CLOSING);
            }
        } finally {
            lock.unlock();
        }
        for (Member m : all) {
            m.send(CLOSING);
            m.finish();
        }
        long deadline = System.currentTimeMillis() + CLOSE_WAIT_MILLIS;
        try {
            for (Member m : all) {
                m.awaitWriter(Math.max(1, deadline - System.currentTimeMillis()));
            }
            for (Member m : all) {
                m.disconnect("server closing");
            }
            for (Member m : all) {
                m.awaitReader(Math.max(1, deadline + CLOSE_WAIT_MILLIS - System.currentTimeMillis()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            all.forEach(m -> m.disconnect("server closing"));
        }
        if (log != null) {
            log.finish();
            try {
                log.awaitIdle(java.time.Duration.ofMillis(CLOSE_WAIT_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static SocketAddress remoteOf(SocketChannel channel) {
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
