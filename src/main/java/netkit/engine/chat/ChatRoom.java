package netkit.engine.chat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A line-based chat room (SPEC §4) that any telnet or nc client can use. The host hands it
 * connected channels ({@link #admit}); each becomes a {@link Member} with its own reader and
 * writer virtual threads. The console user ({@link ChatOptions#consoleName()}, {@code server})
 * speaks through {@link #runConsole} and the room log (every line of traffic) goes to the
 * {@code log} stream.
 *
 * <p>Every change of membership and every broadcast happens under one lock, so all members see
 * the same order. A broadcast encodes its line once and queues the same bytes for every member;
 * queuing never blocks, and a member whose outbox is full is disconnected after the broadcast
 * instead of slowing the others.
 */
public final class ChatRoom implements AutoCloseable {
    private static final long CLOSE_WAIT_MILLIS = 2_000;
    /** Most broadcast lines one flush carries; bounds the per-member work for those who joined meanwhile. */
    private static final int MAX_PENDING = 512;
    /** Pause between two flushes per member in the room (10,000 members: 30 ms). */
    private static final long FLUSH_NANOS_PER_MEMBER = 3_000;
    private static final long MAX_FLUSH_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** A broadcast line waiting for the flusher; {@code seq} orders it against joins. */
    private record Pending(ChatText.Line line, Member sender, long seq, Notice notice) {}

    /** A join or leave notice, which a flush may merge with its neighbours of the same kind. */
    private record Notice(String verb, String name, int online) {}

    /**
     * One line of a flush: a pending line, or several join (leave) notices in a row merged into
     * one {@code * a, b, c and 97 others joined (N online)} line, with the range of their numbers.
     */
    private record Item(ChatText.Line line, Member sender, long firstSeq, long lastSeq) {}

    /** Join (leave) notices in a row that one flush merges into one line; fewer go out one by one. */
    static final int MERGE_NOTICES = 4;
    /** Names a merged notice lists before "and N others". */
    private static final int MERGED_NAMES = 5;

    private final ChatOptions options;
    private final RoomEvents events;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Member> named = new HashMap<>();
    private final Set<Member> connected = new HashSet<>();
    private final Outbox log;
    private final ChatText.Line help;
    private final List<Pending> pending = new ArrayList<>();
    private final Condition pendingReady = lock.newCondition();
    private final Thread flusher;
    private long seq;
    private boolean closed;
    private long logLinesDropped;

    /**
     * @param log where the room's traffic is written, one line each (the console's stdout), or
     *     {@code null} for no log; a log that blocks drops lines instead of stalling the room
     */
    public ChatRoom(ChatOptions options, OutputStream log, RoomEvents events) {
        this.options = options;
        this.events = events == null ? RoomEvents.NONE : events;
        this.log = log == null ? null : new Outbox(Math.max(16L << 20, options.outboxBytes()), "chat-log",
                new Outbox.Writer() {
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
        this.help = ChatText.lines(List.of(
                "* commands:",
                "*   /nick NEW        change your nickname",
                "*   /msg NAME TEXT   private message to NAME (they see *YOU* TEXT)",
                "*   /list            who is online",
                "*   /help            this help",
                "*   /quit, byebye    leave the room",
                "*   //TEXT           send a line that starts with /",
                "* any other line goes to everyone else as <YOU> TEXT"));
        this.flusher = Thread.ofVirtual().name("chat-flusher").start(this::flushLoop);
    }

    public ChatOptions options() {
        return options;
    }

    RoomEvents events() {
        return events;
    }

    /** Users in the room: members with a nickname, plus the console user. */
    public int online() {
        lock.lock();
        try {
            return onlineLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Open connections, including members still choosing a nickname. */
    public int connections() {
        lock.lock();
        try {
            return connected.size();
        } finally {
            lock.unlock();
        }
    }

    /** The nicknames in the room, sorted ignoring case. */
    public List<String> nicknames() {
        lock.lock();
        try {
            return sortedNamesLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes {@code channel} (connected, in blocking mode) a member of the room, served by its own
     * virtual threads. When the room holds {@link ChatOptions#maxConnections()} already, the
     * channel gets a {@code server full} line and is closed. Returns false when it was not admitted.
     */
    public boolean admit(SocketChannel channel) {
        Member member = enter(ChatTransport.of(channel));
        if (member == null) {
            rejectFull(channel);
            return false;
        }
        member.start();
        return true;
    }

    /**
     * Serves one member in the calling thread until it leaves (for hosts that give every
     * connection its own thread and close it afterwards). Returns false at once, without writing,
     * when the room is closed or full: the host then rejects the connection itself.
     */
    public boolean serve(ChatTransport transport) {
        Member member = enter(transport);
        if (member == null) {
            return false;
        }
        member.run();
        return true;
    }

    private Member enter(ChatTransport transport) {
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
     * Turns a connection away because the room (or the host's {@code -m} limit) is full: one
     * {@code server full} line, then close. Never blocks: the write is non-blocking, and the
     * socket's send buffer is empty.
     */
    public void rejectFull(SocketChannel channel) {
        SocketAddress remote = remoteOf(channel);
        try (channel) {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(serverFullLine().bytes(false)));
        } catch (IOException | RuntimeException ignored) {
            // the client may be gone already; it is closed either way
        }
        events.rejected(remote, "server full");
    }

    /** The line a client turned away for the connection limit gets before the close. */
    public ChatText.Line serverFullLine() {
        int max = options.maxConnections();
        String limit = max > 0 ? " (" + max + (max == 1 ? " connection)" : " connections)") : "";
        return ChatText.line("! server full" + limit + ", try again later");
    }

    void greet(Member m) {
        int online = online();
        sendOrDrop(m, ChatText.lines(List.of("* welcome to netkit chat (" + online + " online)",
                "* choose a nickname (1-" + ChatText.MAX_NICKNAME + " letters, digits, _ - .):")));
    }

    /**
     * One line from a member, already clean. Returns false when the member leaves (quit).
     * {@code cut}: the line was longer than the limit and was cut.
     */
    boolean received(Member m, String text, boolean cut) {
        if (cut) {
            sendOrDrop(m, ChatText.line("! your line was longer than " + options.maxLineBytes()
                    + " bytes: only its first " + options.maxLineBytes() + " bytes were used"));
        }
        if (m.nickname() == null) {
            return chooseNickname(m, text);
        }
        return switch (ChatCommand.parse(text)) {
            case ChatCommand.Say say -> {
                broadcast(m, ChatText.line("<" + m.nickname() + "> " + say.text()));
                yield true;
            }
            case ChatCommand.Nick nick -> {
                rename(m, nick.name());
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
                sendOrDrop(m, help);
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

    private boolean chooseNickname(Member m, String text) {
        String name = text.strip();
        ChatCommand c = ChatCommand.parse(name);
        if (c instanceof ChatCommand.Quit) {
            sendOrDrop(m, ChatText.line("* bye"));
            return false;
        }
        if (c instanceof ChatCommand.Nothing) {
            sendOrDrop(m, ChatText.line("* choose a nickname (1-" + ChatText.MAX_NICKNAME
                    + " letters, digits, _ - .):"));
            return true;
        }
        List<Member> slow = new ArrayList<>();
        int online;
        String problem;
        lock.lock();
        try {
            problem = nicknameProblemLocked(name, null);
            if (problem == null) {
                m.nickname(name);
                m.joinSeq = seq;
                named.put(ChatText.key(name), m);
                online = onlineLocked();
                sendLocked(m, ChatText.line("* welcome, " + name + " (" + online + " online). /help lists the commands"),
                        slow);
                broadcastLocked(m, ChatText.line("* " + name + " joined (" + online + " online)"), slow,
                        new Notice("joined", name, online));
            } else {
                online = 0;
                sendLocked(m, ChatText.line("! " + problem + "; choose another nickname:"), slow);
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

    private String nicknameProblemLocked(String name, Member renaming) {
        String problem = ChatText.nicknameProblem(name);
        if (problem != null) {
            return problem;
        }
        String key = ChatText.key(name);
        if (options.consoleName() != null && key.equals(ChatText.key(options.consoleName()))) {
            return "'" + name + "' is the server's name";
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
                sendLocked(m, ChatText.line("! " + problem), slow);
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

    /** A private message; {@code from} is a member's nickname or the console's. */
    private void whisper(Member from, String fromName, String to, String text) {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            String key = ChatText.key(to);
            Member target = named.get(key);
            ChatText.Line line = ChatText.line("*" + fromName + "* " + text);
            if (target != null) {
                sendLocked(target, line, slow);
                logLocked(ChatText.line("*" + fromName + " -> " + target.nickname() + "* " + text));
            } else if (options.consoleName() != null && key.equals(ChatText.key(options.consoleName()))) {
                logLocked(line);
            } else {
                ChatText.Line error = ChatText.line("! no user named '" + to + "' (/list shows who is online)");
                if (from != null) {
                    sendLocked(from, error, slow);
                } else {
                    logLocked(error);
                }
            }
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
    }

    /** Sends {@code line} to every member with a nickname except {@code sender}, and to the log. */
    private void broadcast(Member sender, ChatText.Line line) {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            broadcastLocked(sender, line, slow);
        } finally {
            lock.unlock();
        }
        disconnectSlow(slow);
    }

    /**
     * Queues {@code line} for every member with a nickname except {@code sender} (null: everyone)
     * and writes it to the log. The line waits in {@link #pending} for the flusher, which sends
     * everything pending as one buffer per member: a storm of joins costs one pass over the room
     * per flush, not one per join.
     */
    private void broadcastLocked(Member sender, ChatText.Line line, List<Member> slow) {
        broadcastLocked(sender, line, slow, null);
    }

    private void broadcastLocked(Member sender, ChatText.Line line, List<Member> slow, Notice notice) {
        pending.add(new Pending(line, sender, ++seq, notice));
        logLocked(line);
        if (pending.size() == 1) {
            pendingReady.signal();
        } else if (pending.size() >= MAX_PENDING) {
            flushLocked(slow);
        }
    }

    /** A line for one member; lines broadcast before it are sent first, so the order holds. */
    private void sendLocked(Member m, ChatText.Line line, List<Member> slow) {
        if (!pending.isEmpty() && m.joinSeq < seq) {
            flushLocked(slow);
        }
        if (!m.send(line)) {
            slow.add(m);
        }
    }

    /**
     * Sends every pending line: members that were in the room before the first pending line and
     * sent none of them get one shared buffer with all of them; the few others (who joined or
     * spoke during the batch) get the lines meant for them one by one, still shared arrays.
     */
    private void flushLocked(List<Member> slow) {
        if (pending.isEmpty()) {
            return;
        }
        List<Item> items = mergeNotices(pending);
        long first = pending.get(0).seq();
        Set<Member> senders = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Item i : items) {
            if (i.sender() != null) {
                senders.add(i.sender());
            }
        }
        ChatText.Line all = items.size() == 1 ? items.get(0).line() : ChatText.join(items.stream().map(Item::line).toList());
        for (Member m : named.values()) {
            if (m.joinSeq < first && !senders.contains(m)) {
                if (!m.send(all)) {
                    slow.add(m);
                }
                continue;
            }
            // joined during this batch, or sent some of it: the lines meant for it, one by one
            for (Item i : items) {
                if (i.lastSeq() > m.joinSeq && i.sender() != m && !m.send(i.line())) {
                    slow.add(m);
                    break;
                }
            }
        }
        pending.clear();
    }

    /**
     * Merges each run of {@link #MERGE_NOTICES} or more join (or leave) notices into one line, so
     * that a storm of joins costs each member a few lines instead of one per join: a room of
     * 10,000 that joins at once would otherwise send 50 million notices (over a gigabyte). A
     * member who joined inside a merged run gets the merged line too (it lists the burst).
     */
    private static List<Item> mergeNotices(List<Pending> batch) {
        List<Item> items = new ArrayList<>(batch.size());
        int i = 0;
        while (i < batch.size()) {
            Pending p = batch.get(i);
            int j = i + 1;
            if (p.notice() != null) {
                while (j < batch.size() && batch.get(j).notice() != null
                        && batch.get(j).notice().verb().equals(p.notice().verb())) {
                    j++;
                }
            }
            if (p.notice() == null || j - i < MERGE_NOTICES) {
                for (int k = i; k < j; k++) {
                    Pending q = batch.get(k);
                    items.add(new Item(q.line(), q.sender(), q.seq(), q.seq()));
                }
            } else {
                StringBuilder names = new StringBuilder("* ");
                int shown = Math.min(MERGED_NAMES, j - i);
                for (int k = i; k < i + shown; k++) {
                    names.append(k > i ? ", " : "").append(batch.get(k).notice().name());
                }
                if (j - i > shown) {
                    names.append(" and ").append(j - i - shown).append(" others");
                }
                Pending last = batch.get(j - 1);
                names.append(' ').append(p.notice().verb()).append(" (").append(last.notice().online()).append(" online)");
                items.add(new Item(ChatText.line(names.toString()), null, p.seq(), last.seq()));
            }
            i = j;
        }
        return items;
    }

    /**
     * The flusher thread: sends pending broadcasts as soon as there are some, but in a big room
     * not more often than every {@link #FLUSH_NANOS_PER_MEMBER} per member: a flush wakes a
     * writer for every member, so during a storm of joins the pause lets the next flush carry
     * many notices at once. In a quiet room a line goes out at once.
     */
    private void flushLoop() {
        long lastFlush = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        while (true) {
            List<Member> slow = new ArrayList<>();
            lock.lock();
            try {
                while (pending.isEmpty() && !closed) {
                    pendingReady.await();
                }
                long gap = Math.min((long) named.size() * FLUSH_NANOS_PER_MEMBER, MAX_FLUSH_GAP_NANOS);
                long wait = lastFlush + gap - System.nanoTime();
                while (wait > 0 && !closed && !pending.isEmpty()) {
                    wait = pendingReady.awaitNanos(wait);
                }
                flushLocked(slow);
                lastFlush = System.nanoTime();
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                events.failed("room flusher", e);
                pending.clear();
            } finally {
                lock.unlock();
            }
            disconnectSlow(slow);
        }
    }

    /** A reply to one member outside any broadcast; a member that does not read is disconnected. */
    private void sendOrDrop(Member m, ChatText.Line line) {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            sendLocked(m, line, slow);
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
                online = onlineLocked();
                announced = true;
                if (!closed) {
                    broadcastLocked(m, ChatText.line("* " + name + " left (" + online + " online)"), slow,
                            new Notice("left", name, online));
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

    private ChatText.Line listLine() {
        lock.lock();
        try {
            List<String> names = sortedNamesLocked();
            return ChatText.line("* " + names.size() + " online: " + String.join(", ", names));
        } finally {
            lock.unlock();
        }
    }

    private List<String> sortedNamesLocked() {
        List<String> names = new ArrayList<>(named.size() + 1);
        for (Member m : named.values()) {
            names.add(m.nickname());
        }
        if (options.consoleName() != null) {
            names.add(options.consoleName());
        }
        names.sort(String.CASE_INSENSITIVE_ORDER);
        return names;
    }

    private int onlineLocked() {
        return named.size() + (options.consoleName() != null ? 1 : 0);
    }

    // ---- the console user -------------------------------------------------------------

    /**
     * Reads the console user's lines from {@code in} until end of stream or {@code /quit}, in the
     * calling thread. Plain lines go to everyone as {@code <server> TEXT}; replies to the console
     * ({@code /list}, {@code /help}, errors) go to the log. Returns true when the console typed
     * {@code /quit} (the host should close the room), false at end of input (the room goes on).
     */
    public boolean runConsole(InputStream in) throws IOException {
        String me = options.consoleName();
        if (me == null) {
            throw new IllegalStateException("this room has no console user");
        }
        LineSplitter splitter = new LineSplitter(options.maxLineBytes());
        boolean[] quit = {false};
        LineSplitter.Sink sink = (bytes, length, cut, crlf) -> {
            if (cut) {
                log(ChatText.line("! the line was longer than " + options.maxLineBytes() + " bytes and was cut"));
            }
            quit[0] = !consoleLine(me, ChatText.clean(bytes, 0, length));
            return !quit[0];
        };
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (!splitter.feed(ByteBuffer.wrap(buf, 0, n), sink)) {
                return true;
            }
        }
        splitter.finish(sink);
        return quit[0];
    }

    private boolean consoleLine(String me, String text) {
        switch (ChatCommand.parse(text)) {
            case ChatCommand.Say say -> broadcast(null, ChatText.line("<" + me + "> " + say.text()));
            case ChatCommand.Msg msg -> whisper(null, me, msg.to(), msg.text());
            case ChatCommand.ListUsers l -> log(listLine());
            case ChatCommand.Help h -> log(help);
            case ChatCommand.Nick n -> log(ChatText.line("! the console user is always '" + me + "'"));
            case ChatCommand.Invalid inv -> log(ChatText.line("! " + inv.error()));
            case ChatCommand.Quit q -> {
                return false;
            }
            case ChatCommand.Nothing n -> {}
        }
        return true;
    }

    private void log(ChatText.Line line) {
        lock.lock();
        try {
            logLocked(line);
        } finally {
            lock.unlock();
        }
    }

    private void logLocked(ChatText.Line line) {
        if (log != null && !log.offer(line.bytes(false))) {
            logLinesDropped++;
        }
    }

    /** Lines the log dropped because its stream did not keep up. */
    public long logLinesDropped() {
        lock.lock();
        try {
            return logLinesDropped;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells every member the room is closing, gives their writers a moment to deliver it, closes
     * every connection and flushes the log. Idempotent; waits a bounded time.
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
            List<Member> ignored = new ArrayList<>();
            flushLocked(ignored);
            pendingReady.signalAll();
        } finally {
            lock.unlock();
        }
        ChatText.Line bye = ChatText.line("* the server is closing the room");
        for (Member m : all) {
            m.send(bye);
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
