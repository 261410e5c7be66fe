package netkit.repl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A minimal {@link ReplSession} over one connected loopback socket, for driving the REPL in tests
 * independently of the TCP engine: a reader thread that really stops reading while paused.
 */
final class LoopbackSession implements ReplSession {
    private final SocketChannel channel;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicBoolean endedOnce = new AtomicBoolean();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resumed = lock.newCondition();
    private boolean paused;
    volatile boolean endOfInputCalled;
    private volatile Listener listener;

    LoopbackSession(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public String name() {
        return "loopback";
    }

    @Override
    public Set<Feature> features() {
        return EnumSet.of(Feature.HALF_CLOSE, Feature.PAUSE);
    }

    @Override
    public void listen(Listener l) {
        listener = l;
        Thread.ofVirtual().name("loopback-reader").start(this::readLoop);
    }

    private void readLoop() {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try {
            while (true) {
                lock.lock();
                try {
                    while (paused) {
                        resumed.await();
                    }
                } finally {
                    lock.unlock();
                }
                buf.clear();
                int n = channel.read(buf);
                if (n < 0) {
                    listener.notice("peer closed");
                    break;
                }
                bytesRead.addAndGet(n);
                listener.data(null, buf.array(), 0, n);
            }
        } catch (IOException | InterruptedException e) {
            // closed locally
        } finally {
            close();
            if (endedOnce.compareAndSet(false, true)) {
                listener.ended();
            }
        }
    }

    @Override
    public void send(byte[] data, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data, off, len);
        while (b.hasRemaining()) {
            bytesWritten.addAndGet(channel.write(b));
        }
    }

    @Override
    public void endOfInput() throws IOException {
        endOfInputCalled = true;
        channel.shutdownOutput();
    }

    @Override
    public void halfClose() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void pause() {
        lock.lock();
        try {
            paused = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resume() {
        lock.lock();
        try {
            paused = false;
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Stats stats() {
        return new Stats(bytesRead.get(), bytesWritten.get(), 0, channel.isOpen() ? 1 : 0);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
