package netkit.engine.stream;

import java.io.Closeable;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import netkit.sys.Descriptors;
import netkit.sys.ZeroCopy;

/**
 * One selector thread that serves the plain sockets of a hub ({@code --chat}, {@code --broker},
 * {@code --echo}) without a thread per client. A parked virtual thread keeps its whole stack (1-3
 * KiB in these modes) and a buffer; two of them per client made an idle chat member cost 20 KiB,
 * a broker client 40 KiB. Here an idle client is its socket, its key and a few fields, and every
 * read goes through one shared buffer.
 *
 * <p>Writes do not wait for the loop: {@link Registration#offer} writes at once without blocking
 * (a broadcast is one {@code write} per client from the broadcasting thread, no thread to wake),
 * and only what the socket did not take waits in the client's queue, bounded in bytes, for the
 * loop to flush when the socket is writable. Transports that are not plain (TLS, proxied) keep a
 * thread per client; their owners do not register them here.
 */
public final class SocketLoop implements Closeable {
    private static final int READ_BUFFER = 64 * 1024;
    /** Most buffers one gathering write of a queue takes. */
    private static final int MAX_GATHER = 64;

    /** How often the loop looks at finishing registrations whose grace may have passed. */
    private static final long TICK_MILLIS = 100;

    private static final long TICK_NANOS = Duration.ofMillis(TICK_MILLIS).toNanos();
    /** How long a closed loop still serves the sockets registered with it, while their owners close them. */
    private static final long CLOSE_GRACE_NANOS = Duration.ofSeconds(10).toNanos();

    /** What the owner of a registered socket does; {@link #received} and {@link #ended} run on the loop's thread. */
    public interface Client {
        /** Bytes arrived; {@code data} is the loop's buffer, valid during the call only. */
        void received(ByteBuffer data);

        /**
         * Reading is over, once: {@code error} is null at the peer's end of stream, a
         * {@link ClosedChannelException} when the socket was closed (by its owner or by {@link Registration#finish}),
         * else the read or write error. The owner closes the socket when it is done with it.
         */
        void ended(IOException error);

        /** The loop wrote the last queued byte: the socket takes more again. */
        default void drained() {}
    }

    /** What an offer did with the bytes. */
    public enum Offered {
        /** Written, or queued with room to spare. */
        TAKEN,
        /** Queued, and the queue is now over half its limit: the client is falling behind. */
        BACKLOGGED,
        /** Not taken: the queue would exceed its limit, or the registration is finishing. */
        REFUSED
    }

    /**
     * Bytes that many clients get (a broadcast): copied outside the heap once and never changed,
     * so a write takes them without a copy and a client that lags queues only a view of them.
     */
    public static final class Shared {
        private final ByteBuffer buffer;
        private final MemorySegment segment;

        private Shared(ByteBuffer buffer) {
            this.buffer = buffer;
            this.segment = MemorySegment.ofBuffer(buffer);
        }

        /** {@code bytes[offset..offset+length)}, copied. */
        public static Shared copyOf(byte[] bytes, int offset, int length) {
            return new Shared(ByteBuffer.allocateDirect(length)
                    .put(bytes, offset, length)
                    .flip()
                    .asReadOnlyBuffer());
        }

        /** How many bytes. */
        public int length() {
            return buffer.remaining();
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Registration> changes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Registrations whose owner waits for their queue to empty, with a deadline; loop thread only. */
    private final List<Registration> finishing = new ArrayList<>();

    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER);
    private volatile boolean closed;

    /**
     * Whether the loop thread's offers go straight to the descriptor with {@code send(2)} (not on other
     * systems, without native access, or with {@code -Dnetkit.zeroCopy=off}); loop thread only. See
     * {@link Registration#write}.
     */
    private boolean direct;

    /**
     * How many registrations hold a key they have not given up (cancelled, or closed their channel; see
     * {@link Registration#counted}); loop thread only.
     */
    private int registeredKeys;

    /**
     * Whether the last {@code select} found fewer keys than {@link #registeredKeys}: then a channel closed by
     * another thread lost its key (and its descriptor) there, and the loop has not yet heard of it, so this
     * turn's direct sends check each key. Otherwise every counted registration's descriptor is still open:
     * the JDK closes a registered channel's descriptor only when a {@code select} drops its key. Loop thread only.
     */
    private boolean keysLost;

    public SocketLoop(String name) throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
        thread.start();
    }

    /**
     * Prepares to serve {@code channel} (connected, plain; it becomes non-blocking) for
     * {@code client}; the loop reads it once {@link Registration#start} was called, and offers
     * may be made before. {@code limit}: bytes that may wait in its queue before
     * {@link Registration#offer} refuses more.
     */
    public Registration register(SocketChannel channel, long limit, Client client) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        channel.configureBlocking(false);
        return new Registration(channel, limit, client);
    }

    /**
     * Runs {@code task} on the loop's thread, soon (where offers go straight to the sockets: one
     * thread writing to many clients without a wake-up of the loop per client). The task handles its
     * own failures and must not block for long: every client waits for it. False once the loop is
     * closed; a task accepted just before may then never run.
     */
    public boolean execute(Runnable task) {
        if (closed) {
            return false;
        }
        tasks.add(task);
        selector.wakeup();
        return true;
    }

    /** Whether offers on the loop thread may go straight to the descriptor ({@link Registration#write}). */
    private static boolean directSends() {
        return !"off".equals(System.getProperty("netkit.zeroCopy")) && ZeroCopy.available();
    }

    private void run() {
        long lastTick = System.nanoTime();
        long closedAt = 0;
        direct = directSends() && ZeroCopy.sendLinked(); // else the channels' own writes
        try {
            while (true) {
                if (closed) {
                    // the owners close their sockets around the same time: serve them until they have
                    if (selector.keys().isEmpty() && changes.isEmpty()) {
                        break;
                    }
                    long now = System.nanoTime();
                    if (closedAt == 0) {
                        closedAt = now;
                    } else if (now - closedAt > CLOSE_GRACE_NANOS) {
                        abandonAll();
                        break;
                    }
                }
                selector.select(TICK_MILLIS);
                keysLost = selector.keys().size() < registeredKeys;
                turn();
                long now = System.nanoTime();
                if (now - lastTick >= TICK_NANOS) {
                    lastTick = now;
                    tick(now);
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            // the loop is closed; the owners close their connections
        } finally {
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to report
            }
        }
    }

    /**
     * What the loop does after each {@code select}: the registrations' changes, the tasks, the ready
     * keys. A method of its own, not the body of {@link #run}'s loop: the JIT compiles a method after a
     * few hundred calls, an endless loop only after tens of thousands of iterations (on-stack
     * replacement), so a storm of joins ran this part interpreted.
     */
    private void turn() {
        Registration r;
        while ((r = changes.poll()) != null) {
            try {
                r.apply();
            } catch (RuntimeException | Error e) {
                r.failedInside(e);
            }
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                // a task handles its own failures; one that did not (a bug) must not stop the loop for every client
                thread.getUncaughtExceptionHandler().uncaughtException(thread, e);
            }
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey k = keys.next();
            keys.remove();
            Registration reg = (Registration) k.attachment();
            try {
                if (k.isValid() && k.isWritable()) {
                    reg.flush();
                }
                if (k.isValid() && k.isReadable()) {
                    reg.read();
                }
            } catch (java.nio.channels.CancelledKeyException e) {
                reg.end(new ClosedChannelException());
            } catch (RuntimeException | Error e) {
                reg.failedInside(e);
            }
        }
    }

    /** Closing: what is still registered is closed, its client told, its finish run. */
    private void abandonAll() {
        Registration r;
        while ((r = changes.poll()) != null) {
            r.abandon();
        }
        for (SelectionKey k : selector.keys()) {
            ((Registration) k.attachment()).abandon();
        }
    }

    /** Runs the finish of registrations whose grace has passed with bytes still queued. */
    private void tick(long now) {
        for (Iterator<Registration> it = finishing.iterator(); it.hasNext(); ) {
            Registration r = it.next();
            if (r.finishedAt(now)) {
                it.remove();
            }
        }
    }

    /**
     * Stops the loop's thread once no socket is registered any more (their owners close them), or
     * after 10 s, closing the rest and telling their clients. Takes no new registrations. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }

    /** One socket served by the loop: its output queue and its reading. */
    public final class Registration {
        private final SocketChannel channel;
        private final long limit;
        private final Client client;

        // guarded by this: the output side, written by any thread
        private ArrayDeque<ByteBuffer> queue;
        private long queuedBytes;
        private boolean finishing;
        private IOException failure;
        private boolean readPaused;
        private Runnable whenFlushed;
        private long finishDeadline;
        private boolean flushedRun;
        /**
         * Bytes written: counted here, where the lock is held anyway, and not in the owner's objects,
         * which a broadcast to 10,000 clients would otherwise touch once each (BENCHMARKS.md, "Lean hubs").
         */
        private long sent;

        /** Running totals over many sockets that this one adds to, or null; set before it starts. */
        private AtomicLong totalSent;

        private AtomicLong totalReceived;

        /** Of {@link #sent}, the bytes that went straight to the descriptor ({@link #write}); guarded by this. */
        private long sentDirectly;

        /** Bytes read; written by the loop thread only. */
        private volatile long received;

        // loop thread only
        private SelectionKey key;
        private boolean ended;

        /**
         * Whether this registration's key is counted in {@link #registeredKeys}: from its registration until the
         * loop cancels it or closes the channel, or learns that the channel was closed. Loop thread only.
         */
        private boolean counted;

        /** The socket's descriptor for {@link #write}, or -1 (the channel's own writes). */
        private final int fd;

        private Registration(SocketChannel channel, long limit, Client client) {
            this.channel = channel;
            this.limit = limit;
            this.client = client;
            this.fd = directSends() ? descriptor(channel) : -1;
        }

        /**
         * Sends the remaining bytes of {@code src}: what the socket takes now is written at once (on
         * the calling thread, never blocking); the rest waits, in order, for the loop. {@code src}
         * is kept until written: the caller must not change it. False when it would make the queue
         * exceed the limit (nothing of it is taken) or after {@link #finish}; a write error is not
         * refused here but ends the registration ({@link Client#ended}).
         */
        public boolean offer(ByteBuffer src) {
            return offer(src, null) != Offered.REFUSED;
        }

        /**
         * Sends {@code bytes} like {@link #offer(ByteBuffer)}, the same bytes many clients get: they
         * are not copied, and only a part the socket did not take is queued (a view of them).
         */
        public Offered offer(Shared bytes) {
            return offer(bytes.buffer, bytes);
        }

        private Offered offer(ByteBuffer src, Shared shared) {
            Offered offered;
            synchronized (this) {
                if (finishing) {
                    return Offered.REFUSED;
                }
                if (failure != null) {
                    return Offered.TAKEN; // ending already: the owner hears it from ended()
                }
                int length = src.remaining();
                // the byte count, not the queue: an emptied queue stays allocated, and looking into it is one
                // more cache miss per client in a broadcast (only empty buffers can be left when this is 0)
                if (queuedBytes > 0) {
                    if (queuedBytes + length > limit) {
                        return Offered.REFUSED;
                    }
                    queue.add(shared != null ? src.duplicate() : src);
                    queuedBytes += length;
                    return queuedBytes > limit / 2 ? Offered.BACKLOGGED : Offered.TAKEN;
                }
                int n = 0;
                try {
                    n = write(src, shared);
                    if (n > 0) {
                        sent += n;
                        if (totalSent != null) {
                            totalSent.addAndGet(n);
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                }
                if (failure == null && n == length) {
                    return Offered.TAKEN;
                }
                offered = Offered.TAKEN;
                if (failure == null) {
                    ByteBuffer rest = shared != null ? src.duplicate() : src;
                    if (shared != null) {
                        rest.position(rest.position() + n);
                    }
                    if (queue == null) {
                        queue = new ArrayDeque<>(4);
                    }
                    queue.add(rest);
                    queuedBytes = rest.remaining();
                    if (queuedBytes > limit / 2) {
                        offered = Offered.BACKLOGGED;
                    }
                } else if (shared == null) {
                    src.position(src.limit());
                }
            }
            changed(); // the loop flushes the rest when the socket is writable, or ends a failed one
            return offered;
        }

        /**
         * Writes what the socket takes now, without blocking, from {@code src} (moving its position)
         * or, when {@code shared} is given, from its bytes ({@code src} is theirs and stays as it is).
         * On the loop thread, with the key still
         * valid, off-heap bytes go straight to the descriptor with {@code send(2)}: a broadcast is one
         * such call per client, and the channel's write (its two locks, its state checks, the native
         * transition) cost more per client than the python hub's whole {@code sendall} (BENCHMARKS.md,
         * "Lean hubs"). It is safe there: the JDK closes the descriptor of a channel registered with a
         * selector only when that selector drops its cancelled key, which happens in {@code select} on
         * this same thread, and a closing channel's key is cancelled before; so while the key is still
         * registered, the descriptor cannot be closed and reused before this call returns. Which keys are:
         * every {@link #counted} one, unless the last {@code select} dropped a key the loop had not given up
         * ({@link #keysLost}); then each key is asked, as it was for every send before (the key is one more
         * object per client, a cache miss each at 10,000). Elsewhere, the channel.
         */
        private int write(ByteBuffer src, Shared shared) throws IOException {
            if (fd < 0
                    || Thread.currentThread() != thread
                    || !direct
                    || !src.isDirect()
                    || !counted
                    || keysLost && !key.isValid()) {
                if (shared == null) {
                    return channel.write(src);
                }
                return channel.write(src.duplicate());
            }
            MemorySegment bytes = shared != null ? shared.segment : MemorySegment.ofBuffer(src);
            long n = ZeroCopy.send(fd, bytes, src.remaining());
            if (n < 0) {
                // full, or failed: queued either way, the loop's flush (the channel's write) waits for room or
                // reports the error
                return 0;
            }
            sentDirectly += n;
            if (shared == null) {
                src.position(src.position() + (int) n);
            }
            return (int) n;
        }

        /**
         * Reads, without the lock, fields at both ends of this object that an offer reads: a caller about to
         * offer to many registrations brings them into the cache ahead (see the chat's broadcasts). The value
         * means nothing.
         */
        public long touch() {
            return queuedBytes + sentDirectly + fd + (counted ? 1 : 0);
        }

        /**
         * Adds the bytes this socket sends and receives to running totals over many sockets as well
         * (a command's totals); before {@link #start}, and before any offer.
         */
        public void countInto(AtomicLong sent, AtomicLong received) {
            this.totalSent = sent;
            this.totalReceived = received;
        }

        /** Starts reading: the client's callbacks may run from now on. */
        public void start() {
            changed();
        }

        /** Whether offers are still taken: not finishing, no write failed. */
        public synchronized boolean accepting() {
            return !finishing && failure == null && channel.isOpen();
        }

        /** Bytes written to the socket so far. */
        public synchronized long sentBytes() {
            return sent;
        }

        /** Of {@link #sentBytes}, how many went straight to the descriptor with {@code send(2)}. */
        public synchronized long sentDirectly() {
            return sentDirectly;
        }

        /** Bytes read from the socket so far. */
        public long receivedBytes() {
            return received;
        }

        /** Bytes waiting for the socket. */
        public synchronized long queued() {
            return queuedBytes;
        }

        /** Stops reading (the peer's window fills and holds it back) until {@link #resumeReading}. */
        public void pauseReading() {
            synchronized (this) {
                if (readPaused) {
                    return;
                }
                readPaused = true;
            }
            changed();
        }

        public void resumeReading() {
            synchronized (this) {
                if (!readPaused) {
                    return;
                }
                readPaused = false;
            }
            changed();
        }

        /**
         * No more offers: once the queue is written, or after {@code grace} with bytes still queued,
         * the loop runs {@code then} (which closes the socket, as a rule). Later calls do nothing.
         */
        public void finish(Duration grace, Runnable then) {
            synchronized (this) {
                if (finishing) {
                    return;
                }
                finishing = true;
                whenFlushed = then;
                finishDeadline = System.nanoTime() + grace.toNanos();
            }
            changed();
        }

        /** Drops what is queued (the client is being cut off). */
        public synchronized void discard() {
            if (queue != null) {
                queue.clear();
            }
            queuedBytes = 0;
            notifyAll();
        }

        /** Waits up to {@code timeout} until nothing is queued (or the socket is gone); true if so. */
        public synchronized boolean awaitFlushed(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (queuedBytes > 0 && failure == null && channel.isOpen()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                // re-checked every 10 ms: a close by another thread does not notify
                wait(Math.max(1, Math.min(10, left / 1_000_000)));
            }
            return true;
        }

        /** Tells the loop to look at this registration again: a close, a queue, a pause. Any thread. */
        public void changed() {
            changes.add(this);
            selector.wakeup();
        }

        // --- loop thread from here on

        private void apply() {
            if (ended && !channel.isOpen()) {
                uncount();
                runFlushed();
                return;
            }
            if (!channel.isOpen()) {
                end(new ClosedChannelException());
                return;
            }
            IOException failed;
            boolean paused;
            boolean pending;
            boolean finish;
            synchronized (this) {
                failed = failure;
                paused = readPaused;
                pending = queuedBytes > 0;
                finish = finishing;
            }
            if (failed != null) {
                end(failed);
                return;
            }
            try {
                int ops = (paused || ended ? 0 : SelectionKey.OP_READ) | (pending ? SelectionKey.OP_WRITE : 0);
                if (key == null) {
                    key = channel.register(selector, ops, this);
                    counted = true;
                    registeredKeys++;
                } else if (key.isValid()) {
                    key.interestOps(ops);
                }
            } catch (ClosedChannelException | java.nio.channels.CancelledKeyException e) {
                end(new ClosedChannelException());
                return;
            }
            if (finish) {
                if (!pending) {
                    runFlushed();
                } else if (!SocketLoop.this.finishing.contains(this)) {
                    SocketLoop.this.finishing.add(this);
                }
            }
        }

        private void flush() {
            IOException failed = null;
            boolean empty;
            synchronized (this) {
                try {
                    while (queuedBytes > 0) {
                        int count = Math.min(queue.size(), MAX_GATHER);
                        ByteBuffer[] batch = new ByteBuffer[count];
                        Iterator<ByteBuffer> it = queue.iterator();
                        for (int i = 0; i < count; i++) {
                            batch[i] = it.next();
                        }
                        long n = channel.write(batch);
                        if (n > 0) {
                            sent += n;
                            if (totalSent != null) {
                                totalSent.addAndGet(n);
                            }
                            queuedBytes -= n;
                        }
                        while (!queue.isEmpty() && !queue.peekFirst().hasRemaining()) {
                            queue.pollFirst();
                        }
                        if (batch[count - 1].hasRemaining()) {
                            break; // the socket is full: wait for the next OP_WRITE
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                    failed = e;
                }
                empty = queuedBytes == 0;
                if (empty) {
                    notifyAll();
                }
            }
            if (failed != null) {
                end(failed);
            } else if (empty) {
                apply(); // no more OP_WRITE; a finish may run now
                client.drained();
            }
        }

        private void read() {
            ByteBuffer buf = in;
            buf.clear();
            int n;
            try {
                n = channel.read(buf);
            } catch (IOException e) {
                end(e);
                return;
            }
            if (n < 0) {
                end(null);
                return;
            }
            if (n > 0) {
                received += n; // the loop thread is the only writer
                if (totalReceived != null) {
                    totalReceived.addAndGet(n);
                }
                buf.flip();
                client.received(buf);
            }
        }

        /** Reading is over: told to the client once; a closed or failed socket leaves the selector. */
        private void end(IOException error) {
            if (error != null && key != null) {
                key.cancel();
                uncount();
            }
            if (error != null) {
                synchronized (this) {
                    if (failure == null) {
                        failure = error;
                    }
                    notifyAll();
                }
            }
            if (!ended) {
                ended = true;
                if (error == null && key != null && key.isValid()) {
                    apply(); // end of stream: keep only OP_WRITE, for what is still queued
                }
                client.ended(error);
            }
            if (error != null) {
                runFlushed();
            }
        }

        /**
         * A client's callback threw on the loop's thread: that client ends with an error (its socket
         * is closed), the loop and every other client go on.
         */
        private void failedInside(Throwable e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing it is all that is left to do
            }
            uncount();
            if (!ended) {
                try {
                    end(new IOException("internal error: " + e, e));
                } catch (RuntimeException | Error again) {
                    // the client failed twice: it is cut off, the loop goes on
                }
            }
        }

        /** The loop is closing with this socket still registered: closed, the client told, the finish run. */
        private void abandon() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing it is all that is left to do
            }
            uncount();
            try {
                if (!ended) {
                    end(new ClosedChannelException());
                }
                runFlushed();
            } catch (RuntimeException | Error e) {
                // its owner failed: the loop ends anyway
            }
        }

        /** This registration gives up its key (cancelled, or its channel closed): no more direct sends. */
        private void uncount() {
            if (counted) {
                counted = false;
                registeredKeys--;
            }
        }

        private boolean finishedAt(long now) {
            boolean due;
            synchronized (this) {
                due = flushedRun || queuedBytes == 0 || now - finishDeadline >= 0 || failure != null;
            }
            if (due) {
                runFlushed();
            }
            return due;
        }

        private void runFlushed() {
            Runnable then;
            synchronized (this) {
                if (!finishing || flushedRun) {
                    return;
                }
                flushedRun = true;
                then = whenFlushed;
            }
            then.run();
        }
    }

    private static int descriptor(SocketChannel channel) {
        try {
            return Descriptors.fd(channel);
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }
}
