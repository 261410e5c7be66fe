package netkit.engine.chat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import netkit.engine.chat.NoticeMerger.Item;
import netkit.engine.chat.NoticeMerger.Notice;
import netkit.engine.chat.NoticeMerger.Pending;
import netkit.engine.stream.SocketLoop;

/**
 * The room's broadcasts, batched: a broadcast line waits in a queue for the flusher thread, which
 * sends everything queued as one shared buffer per member. A storm of joins therefore costs one
 * pass over the room per flush, not one per join, and {@link NoticeMerger} folds its notices into
 * a few lines.
 *
 * <p>It works under the room's lock: every method named {@code …Locked} must be called holding
 * it, and {@code audience} (the members with a nickname) is read only under it. Lines keep their
 * order: each queued line has a sequence number, a member remembers the number at which it joined
 * ({@link Member.Seat#joinSeq}), and a line to one member first flushes what was queued before it.
 */
final class Broadcaster {
    /** How many members {@link #readAhead} reads ahead of a flush's sends. */
    private static final int READ_AHEAD = 16;

    /** Most lines one flush carries; bounds the per-member work for those who joined meanwhile. */
    private static final int MAX_PENDING = 4096;
    /**
     * Pause between two flushes of join and leave notices, per member in the room (10,000 members:
     * 500 ms): each flush is a write to every member, so during a storm of joins the pause lets the
     * next flush carry many notices at once. Lines that members or the console say do not wait.
     */
    private static final long FLUSH_NANOS_PER_MEMBER = 50_000;

    private static final long MAX_FLUSH_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final ReentrantLock lock;
    private final Condition ready;
    /**
     * Who gets broadcasts (the members with a nickname), in an array rather than the room's map of
     * names: a flush walks it once per line, and at 10,000 members every object reached per member is
     * a cache miss (the kernel's socket structures evict them between broadcasts). Kept in the members'
     * order of arrival, not of their nicknames: their sockets' kernel structures were allocated in that
     * order, and walking in it took the loop's CPU for 30 broadcasts at 10,000 members from 1.13-1.37 s to
     * 1.10 s (BENCHMARKS.md, "Lean hubs").
     * Arrivals mostly take a nickname in the order they came, so a join is mostly an append.
     */
    private Member.Seat[] audience = new Member.Seat[16];

    private int audienceSize;
    private final Consumer<List<Member>> disconnectSlow;
    private final RoomEvents events;
    private final List<Pending> pending = new ArrayList<>();
    private long seq;
    /** Flushes so far: the number of the current one marks who said a line in it. */
    private long flushes;
    /** Queued lines that are not join or leave notices: a flush that carries one does not wait. */
    private int spoken;

    private boolean closed;
    /** The selector loop that serves the members on plain sockets, once there is one: flushes run there. */
    private SocketLoop loop;
    /** A flush was handed to {@link #loop} and has not run yet. */
    private boolean flushScheduled;

    /** What {@link #readAhead} read, kept so that the compiler keeps the reads; never used. */
    private long readAheadSink;

    /**
     * @param lock the room's lock
     * @param disconnectSlow called without the lock with the members whose outbox was full
     */
    Broadcaster(ReentrantLock lock, Consumer<List<Member>> disconnectSlow, RoomEvents events) {
        this.lock = lock;
        this.ready = lock.newCondition();
        this.disconnectSlow = disconnectSlow;
        this.events = events;
        Thread.ofVirtual().name("chat-flusher").start(this::flushLoop);
    }

    /**
     * Lets the flusher hand its flushes to {@code loop}'s thread, which writes straight to the members'
     * sockets it serves, instead of writing them itself: a storm of joins then costs no contention
     * between the loop (taking the nicknames) and the flusher (holding the room during a flush).
     */
    void flushOnLocked(SocketLoop loop) {
        this.loop = loop;
    }

    /** {@code m} gets every line queued from now on. */
    void joinLocked(Member m) {
        Member.Seat seat = m.seat;
        seat.joinSeq = seq;
        if (audienceSize == audience.length) {
            audience = Arrays.copyOf(audience, audienceSize * 2);
        }
        int at = -(find(seat.arrival) + 1);
        System.arraycopy(audience, at, audience, at + 1, audienceSize - at);
        audience[at] = seat;
        audienceSize++;
        seat.seated = true;
    }

    /** {@code m} gets no more broadcasts. */
    void leaveLocked(Member m) {
        if (!m.seat.seated) {
            return;
        }
        int at = find(m.seat.arrival);
        System.arraycopy(audience, at + 1, audience, at, audienceSize - at - 1);
        audience[--audienceSize] = null;
        m.seat.seated = false;
    }

    /** Where the seat that arrived {@code arrival}-th is in the audience, or -(insertion point) - 1. */
    private int find(long arrival) {
        int lo = 0;
        int hi = audienceSize - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long a = audience[mid].arrival;
            if (a < arrival) {
                lo = mid + 1;
            } else if (a > arrival) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /**
     * Queues {@code line} for every member of the audience except {@code sender} (null: everyone).
     * {@code notice} (may be null) says it is a join or leave notice that a flush may merge.
     * A full queue is flushed at once; members found not reading are added to {@code slow}.
     */
    void queueLocked(Member sender, ChatText.Line line, Notice notice, List<Member> slow) {
        pending.add(new Pending(line, sender, ++seq, notice));
        if (notice == null) {
            spoken++;
        }
        if (pending.size() == 1 || notice == null) {
            ready.signal();
        } else if (pending.size() >= MAX_PENDING) {
            flushLocked(slow);
        }
    }

    /**
     * Queues {@code line} like {@link #queueLocked} (not a notice) and sends everything queued at once,
     * from the calling thread: a member's selector loop, which writes straight to the members' sockets,
     * where the flusher would be one more thread to wake and slower writes (BENCHMARKS.md, "Lean hubs").
     */
    void sendNowLocked(Member sender, ChatText.Line line, List<Member> slow) {
        pending.add(new Pending(line, sender, ++seq, null));
        flushLocked(slow);
    }

    /** A line for one member; lines broadcast before it are sent first, so the order holds. */
    void sendLocked(Member m, ChatText.Line line, List<Member> slow) {
        if (!pending.isEmpty() && m.seat.joinSeq < seq) {
            flushLocked(slow);
        }
        if (!m.send(line)) {
            slow.add(m);
        }
    }

    /**
     * Sends every queued line: members that were in the room before the first queued line and
     * sent none of them get one shared buffer with all of them; the few others (who joined or
     * spoke during the batch) get the lines meant for them one by one, still shared arrays.
     */
    void flushLocked(List<Member> slow) {
        if (pending.isEmpty()) {
            return;
        }
        List<Item> items = NoticeMerger.merge(pending);
        long first = pending.get(0).seq();
        long flush = ++flushes;
        for (Item i : items) {
            if (i.sender() != null) {
                i.sender().seat.saidInFlush = flush; // a mark, not a set: no hashing per member
            }
        }
        ChatText.Line all = items.size() == 1
                ? items.get(0).line()
                : ChatText.join(items.stream().map(Item::line).toList());
        Member.Seat[] seats = audience;
        for (int k = 0, n = audienceSize; k < n; k++) {
            if (k % READ_AHEAD == 0) {
                readAhead(seats, k, Math.min(n, k + READ_AHEAD));
            }
            Member.Seat m = seats[k];
            if (m.joinSeq < first && m.saidInFlush != flush) {
                if (!m.send(all)) {
                    slow.add(m.member);
                }
                continue;
            }
            // joined during this batch, or sent some of it: the lines meant for it, one by one
            for (Item i : items) {
                if (i.lastSeq() > m.joinSeq && i.sender() != m.member && !m.send(i.line())) {
                    slow.add(m.member);
                    break;
                }
            }
        }
        pending.clear();
        spoken = 0;
    }

    /**
     * Reads what sending to {@code seats[from..to)} will read (each seat and its loop registration), before
     * sending to any of them: at 10,000 members each of those objects is a cache miss, and reads that do not
     * depend on each other overlap, where the same reads between two sends wait one after the other.
     */
    private void readAhead(Member.Seat[] seats, int from, int to) {
        long sum = 0;
        for (int j = from; j < to; j++) {
            Member.Seat s = seats[j];
            SocketLoop.Registration r = s.loop;
            sum += s.joinSeq + (r == null ? 0 : r.touch());
        }
        readAheadSink += sum;
    }

    /** A flush the flusher handed to the loop, on the loop's thread. */
    private void flushOnLoop() {
        List<Member> slow = new ArrayList<>();
        lock.lock();
        try {
            flushScheduled = false;
            flushLocked(slow);
        } catch (RuntimeException e) {
            failedLocked(e);
        } finally {
            lock.unlock();
        }
        disconnectSlow.accept(slow);
    }

    /** A flush failed (a bug): it is reported, and what it was sending dropped so that the next one can go. */
    private void failedLocked(RuntimeException e) {
        events.failed("room flusher", e);
        pending.clear();
        spoken = 0;
    }

    /** Sends what is queued and ends the flusher; later lines are not queued by a closed room. */
    void closeLocked(List<Member> slow) {
        flushLocked(slow);
        closed = true;
        ready.signalAll();
    }

    /**
     * The flusher thread: sends queued lines as soon as there are some, but notices alone in a big
     * room not more often than every {@link #FLUSH_NANOS_PER_MEMBER} per member: a flush writes to
     * every member, so during a storm of joins the pause lets the next flush carry many notices at
     * once. A line someone said goes out at once, with the notices queued before it.
     */
    private void flushLoop() {
        long lastFlush = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        while (true) {
            List<Member> slow = new ArrayList<>();
            lock.lock();
            try {
                while ((pending.isEmpty() || flushScheduled) && !closed) {
                    ready.await();
                }
                long gap = Math.min((long) audienceSize * FLUSH_NANOS_PER_MEMBER, MAX_FLUSH_GAP_NANOS);
                long wait = lastFlush + gap - System.nanoTime();
                while (wait > 0 && !closed && !pending.isEmpty() && spoken == 0) {
                    wait = ready.awaitNanos(wait);
                }
                if (!closed && loop != null && loop.execute(this::flushOnLoop)) {
                    flushScheduled = true;
                } else {
                    flushLocked(slow);
                }
                lastFlush = System.nanoTime();
                if (closed) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failedLocked(e);
            } finally {
                lock.unlock();
            }
            disconnectSlow.accept(slow);
        }
    }
}
