package netkit.engine.tcp;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import netkit.engine.stream.Endpoint;
import netkit.engine.stream.SocketLoop;
import netkit.engine.stream.Transport;

/**
 * One connected stream (TCP, Unix, TLS or proxied: a {@link Transport}) with Node's bookkeeping: {@code bytesRead}, {@code bytesWritten},
 * {@code bufferSize}, {@code pause()}/{@code resume()} and the time of the last byte moved (for the
 * idle timeout). Reads and writes are blocking; writes from several threads are serialised so
 * chunks never interleave. Closing is idempotent and unblocks a pending read. Byte counts are
 * payload bytes (plaintext under TLS).
 */
public final class Connection implements Closeable {
    private final long id;
    private final Transport transport;
    private final Endpoint remote;
    private final Endpoint local;
    private final Totals totals;
    private final long startNanos = System.nanoTime();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile long pendingWrite;
    private volatile long lastActivityNanos = startNanos;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock pauseLock = new ReentrantLock();
    private final Condition resumed = pauseLock.newCondition();
    private boolean paused;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean outputShut;
    private final List<Runnable> closeHooks = new CopyOnWriteArrayList<>();
    private final AtomicLong splicedOut = new AtomicLong();
    private final AtomicLong splicedIn = new AtomicLong();
    /** Set when a hub's selector loop serves the socket (non-blocking then): writes are queued through it. */
    private volatile SocketLoop.Registration loop;

    public Connection(long id, Transport transport, Totals totals) {
        this.id = id;
        this.transport = transport;
        this.remote = transport.remoteEndpoint();
        this.local = transport.localEndpoint();
        this.totals = totals;
    }

    /** The listener's id for this connection (1, 2, …); 1 for a client connection. */
    public long id() {
        return id;
    }

    /** The peer: an address and port, or a Unix socket path. */
    public Endpoint remote() {
        return remote;
    }

    public Endpoint local() {
        return local;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Runs the transport's opening exchange (a TLS handshake), under the write lock so nothing is
     * sent before it; a no-op for plain sockets and on later calls.
     */
    public void handshake() throws IOException {
        writeLock.lock();
        try {
            transport.handshake();
        } finally {
            writeLock.unlock();
        }
    }

    /** Bytes received from the peer (Node {@code bytesRead}). */
    public long bytesRead() {
        SocketLoop.Registration r = loop;
        return bytesRead.get() + (r == null ? 0 : r.receivedBytes());
    }

    /** Bytes sent to the peer (Node {@code bytesWritten}). */
    public long bytesWritten() {
        SocketLoop.Registration r = loop;
        return bytesWritten.get() + (r == null ? 0 : r.sentBytes());
    }

    /** The command's totals this connection adds to, or null. */
    Totals totals() {
        return totals;
    }

    /** Bytes handed to {@link #write} and not yet accepted by the kernel (Node {@code bufferSize}). */
    public long bufferSize() {
        return pendingWrite;
    }

    public long startNanos() {
        return startNanos;
    }

    long lastActivityNanos() {
        return lastActivityNanos;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /**
     * Reads what the peer sent into {@code buf}; -1 at the peer's FIN. While {@link #pause paused}
     * it does not read at all, so the kernel's window fills and the peer is held back.
     */
    public int read(ByteBuffer buf) throws IOException {
        awaitResumed();
        int n = transport.read(buf);
        if (n > 0) {
            bytesRead.addAndGet(n);
            if (totals != null) {
                totals.read.addAndGet(n);
            }
            lastActivityNanos = System.nanoTime();
        }
        return n;
    }

    /** Writes every remaining byte of {@code buf}, blocking while the peer's window is full. */
    public void write(ByteBuffer buf) throws IOException {
        SocketLoop.Registration r = loop;
        if (r != null) {
            ByteBuffer copy = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
            queue(r, copy);
            return;
        }
        writeLock.lock();
        try {
            pendingWrite = buf.remaining();
            while (buf.hasRemaining()) {
                int n = transport.write(buf);
                if (n > 0) {
                    bytesWritten.addAndGet(n);
                    if (totals != null) {
                        totals.written.addAndGet(n);
                    }
                    pendingWrite = buf.remaining();
                    lastActivityNanos = System.nanoTime();
                }
            }
        } finally {
            pendingWrite = 0;
            writeLock.unlock();
        }
    }

    /** Writes every remaining byte of every buffer, in order (a gathering write), counted like {@link #write}. */
    public void write(ByteBuffer[] srcs) throws IOException {
        SocketLoop.Registration r = loop;
        if (r != null) {
            long total = 0;
            for (ByteBuffer b : srcs) {
                total += b.remaining();
            }
            ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(total));
            for (ByteBuffer b : srcs) {
                copy.put(b);
            }
            queue(r, copy.flip());
            return;
        }
        writeLock.lock();
        try {
            ByteBuffer last = srcs[srcs.length - 1];
            while (last.hasRemaining()) {
                long n = transport.write(srcs);
                if (n > 0) {
                    bytesWritten.addAndGet(n);
                    if (totals != null) {
                        totals.written.addAndGet(n);
                    }
                    lastActivityNanos = System.nanoTime();
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * A write to a socket that a hub's selector loop serves (it is non-blocking then): queued in
     * the loop's order, waiting while the queue is full, as a blocking write waits for the window.
     */
    private void queue(SocketLoop.Registration r, ByteBuffer copy) throws IOException {
        while (!r.offer(copy)) {
            if (closed.get() || !r.accepting()) {
                throw new ClosedChannelException();
            }
            try {
                r.awaitFlushed(Duration.ofMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while writing");
            }
        }
    }

    /**
     * From now on, writes go through {@code r}: a hub's selector loop serves this connection's socket,
     * and counts the bytes it moves ({@link #bytesRead}, {@link #bytesWritten} add its counts).
     */
    void servedBy(SocketLoop.Registration r) {
        loop = r;
    }

    /** Sends {@code bytes} to the peer (what a REPL's Enter does). */
    public void send(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    /** Counts {@code n} bytes that a zero-copy path sent to the peer itself, like {@link #write} does. */
    void sentDirectly(long n) {
        bytesWritten.addAndGet(n);
        splicedOut.addAndGet(n);
        if (totals != null) {
            totals.written.addAndGet(n);
        }
        lastActivityNanos = System.nanoTime();
    }

    /** Counts {@code n} bytes that a zero-copy path received from the peer itself, like {@link #read} does. */
    void receivedDirectly(long n) {
        bytesRead.addAndGet(n);
        splicedIn.addAndGet(n);
        if (totals != null) {
            totals.read.addAndGet(n);
        }
        lastActivityNanos = System.nanoTime();
    }

    /** Of {@link #bytesWritten}, how many went by zero-copy ({@code splice}/{@code sendfile}) instead of a buffer. */
    public long bytesWrittenDirectly() {
        return splicedOut.get();
    }

    /** Of {@link #bytesRead}, how many went by zero-copy instead of a buffer. */
    public long bytesReadDirectly() {
        return splicedIn.get();
    }

    /**
     * Runs {@code hook} when this connection closes (a zero-copy pump waiting in the kernel must be
     * woken: closing the channel does not reach it). False, without registering, when it is closed already.
     */
    boolean onClose(Runnable hook) {
        closeHooks.add(hook);
        if (closed.get()) {
            closeHooks.remove(hook);
            return false;
        }
        return true;
    }

    void removeOnClose(Runnable hook) {
        closeHooks.remove(hook);
    }

    /** Half-close: sends FIN (TLS: close_notify first), keeps reading. Idempotent. */
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            if (!outputShut && !closed.get()) {
                outputShut = true;
                transport.shutdownOutput();
            }
        } finally {
            writeLock.unlock();
        }
    }

    public boolean outputShut() {
        return outputShut;
    }

    /** Stops reading from the socket until {@link #resume}; the kernel applies backpressure. */
    public void pause() {
        pauseLock.lock();
        try {
            paused = true;
        } finally {
            pauseLock.unlock();
        }
    }

    public void resume() {
        pauseLock.lock();
        try {
            paused = false;
            resumed.signalAll();
        } finally {
            pauseLock.unlock();
        }
    }

    public boolean isPaused() {
        pauseLock.lock();
        try {
            return paused;
        } finally {
            pauseLock.unlock();
        }
    }

    void awaitResumed() throws IOException {
        pauseLock.lock();
        try {
            while (paused && !closed.get()) {
                resumed.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while paused");
        } finally {
            pauseLock.unlock();
        }
    }

    /** Closes the socket; idempotent; a blocked read returns with an exception. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                transport.close();
            } catch (IOException ignored) {
                // closing a socket that failed already: nothing left to report
            }
            for (Runnable hook : closeHooks) {
                hook.run();
            }
            resume();
        }
    }

    @Override
    public String toString() {
        return "Connection#" + id + " " + remote.text();
    }
}
