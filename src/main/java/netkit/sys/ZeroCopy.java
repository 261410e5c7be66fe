package netkit.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moving bytes between descriptors inside the kernel (Linux): {@code splice(2)} between a pipe and
 * anything, {@code sendfile(2)} from a regular file to a socket, and {@code poll(2)} to wait. One
 * object per thread (its call state lives in a confined arena); close it on that thread.
 *
 * <p>The calls never block in the kernel: pipes are spliced with {@code SPLICE_F_NONBLOCK} and the
 * caller puts the socket in non-blocking mode ({@link #setNonBlocking}; the JDK's blocking channels
 * cope with that, they poll on {@code EAGAIN}), so every wait is a {@link #await} that a
 * {@link Waker} can end from another thread. Results are the byte count or {@code -errno}.
 */
public final class ZeroCopy implements AutoCloseable {
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EINVAL = 22;
    public static final int ENOSYS = 38;
    public static final int EOPNOTSUPP = 95;

    public static final short POLLIN = 0x1;
    public static final short POLLOUT = 0x4;

    private static final int SPLICE_F_MOVE = 1;
    private static final int SPLICE_F_NONBLOCK = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_SETPIPE_SZ = 1031;

    /** What a descriptor is, as far as zero-copy cares. */
    public enum Kind { PIPE, REGULAR_FILE, SOCKET, CHARACTER_DEVICE, OTHER }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = Libc.newCallState(arena);
    private final MemorySegment pollFds = arena.allocate(16, 8);
    private final MemorySegment pair = arena.allocate(8, 4);

    public ZeroCopy() {
        require();
    }

    /** Whether the calls are linked here (Linux, native access on). */
    public static boolean available() {
        return Os.LINUX && Libc.AVAILABLE && Libc.Linux.AVAILABLE;
    }

    private static void require() {
        if (!available()) {
            throw new UnsupportedOperationException("zero-copy " + (Libc.Linux.UNAVAILABLE_REASON == null
                    ? "is unavailable" : Libc.Linux.UNAVAILABLE_REASON));
        }
    }

    /**
     * The kind of descriptor {@code fd} of this process, from the mode of {@code /proc/self/fd/FD}
     * (no native call); {@link Kind#OTHER} when that cannot be read.
     */
    public static Kind kind(int fd) {
        try {
            int mode = (Integer) Files.getAttribute(Path.of("/proc/self/fd/" + fd), "unix:mode");
            return switch (mode & 0170000) {
                case 0010000 -> Kind.PIPE;
                case 0100000 -> Kind.REGULAR_FILE;
                case 0140000 -> Kind.SOCKET;
                case 0020000 -> Kind.CHARACTER_DEVICE;
                default -> Kind.OTHER;
            };
        } catch (IOException | RuntimeException e) {
            return Kind.OTHER;
        }
    }

    /** {@code splice(in, out, len)} without blocking on either pipe end: bytes moved, 0 at EOF, or -errno. */
    public long splice(int in, int out, long len) {
        try {
            long n = (long) Libc.Linux.SPLICE.invokeExact(state, in, MemorySegment.NULL, out, MemorySegment.NULL, len,
                    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            return n < 0 ? -Libc.errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("splice", t);
        }
    }

    /** {@code sendfile(out, in, NULL, count)} from the file's own offset: bytes moved, 0 at EOF, or -errno. */
    public long sendfile(int out, int in, long count) {
        try {
            long n = (long) Libc.Linux.SENDFILE.invokeExact(state, out, in, MemorySegment.NULL, count);
            return n < 0 ? -Libc.errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("sendfile", t);
        }
    }

    /** {@code read(fd, buf)} into a direct buffer's remaining space: bytes read, 0 at EOF, or -errno. */
    public long read(int fd, ByteBuffer buf) {
        try {
            MemorySegment at = MemorySegment.ofBuffer(buf);
            long n = (long) Libc.Linux.READ.invokeExact(state, fd, at, (long) buf.remaining());
            if (n < 0) {
                return -Libc.errno(state);
            }
            buf.position(buf.position() + (int) n);
            return n;
        } catch (Throwable t) {
            throw new IllegalStateException("read", t);
        }
    }

    /** A new pipe (close-on-exec, non-blocking): {read end, write end}. */
    public int[] pipe() throws IOException {
        int rc = call(() -> (int) Libc.Linux.PIPE2.invokeExact(state, pair, O_CLOEXEC | O_NONBLOCK));
        check(rc, "pipe2");
        return new int[] {pair.get(ValueLayout.JAVA_INT, 0), pair.get(ValueLayout.JAVA_INT, 4)};
    }

    /** A second descriptor for the same open file: its number stays ours whatever happens to {@code fd}. */
    public int dup(int fd) throws IOException {
        int rc = call(() -> (int) Libc.Linux.DUP.invokeExact(state, fd));
        check(rc, "dup");
        return rc;
    }

    /** Puts the open file behind {@code fd} (shared with every copy of it) in non-blocking mode. */
    public void setNonBlocking(int fd) throws IOException {
        int flags = call(() -> (int) Libc.Linux.FCNTL.invokeExact(state, fd, F_GETFL, 0));
        check(flags, "fcntl F_GETFL");
        if ((flags & O_NONBLOCK) == 0) {
            int nf = flags | O_NONBLOCK;
            check(call(() -> (int) Libc.Linux.FCNTL.invokeExact(state, fd, F_SETFL, nf)), "fcntl F_SETFL");
        }
    }

    /** Asks for a pipe of {@code bytes} capacity (best effort, capped by fs.pipe-max-size): the new size or -errno. */
    public int setPipeSize(int fd, int bytes) {
        int rc = call(() -> (int) Libc.Linux.FCNTL.invokeExact(state, fd, F_SETPIPE_SZ, bytes));
        return rc < 0 ? -Libc.errno(state) : rc;
    }

    /**
     * Waits until {@code fd} is ready for {@code events} (or has an error or hang-up, which the next call
     * then reports) or {@code waker} was woken. True when {@code fd} is ready, false when woken.
     */
    public boolean await(int fd, short events, Waker waker) throws IOException {
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_INT, 8, waker.readFd);
        while (true) {
            pollFds.set(ValueLayout.JAVA_SHORT, 4, events);
            pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            pollFds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
            pollFds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
            int rc = call(() -> (int) Libc.Linux.POLL.invokeExact(state, pollFds, 2L, -1));
            if (rc < 0) {
                int e = Libc.errno(state);
                if (e == EINTR) {
                    continue;
                }
                throw error(e);
            }
            if (pollFds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
                return false;
            }
            if (pollFds.get(ValueLayout.JAVA_SHORT, 6) != 0) {
                return true;
            }
        }
    }

    /** Closes a descriptor this object made ({@link #pipe}, {@link #dup}); -1 is ignored. */
    public static void close(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // nothing left to do with it
            }
        }
    }

    /** The exception the JDK would throw for {@code errno}: the C library's own wording. */
    public static IOException error(int errno) {
        return new IOException(Libc.strerror(errno));
    }

    private void check(int rc, String what) throws IOException {
        if (rc < 0) {
            IOException e = error(Libc.errno(state));
            throw new IOException(what + ": " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface IntCall {
        int call() throws Throwable;
    }

    private static int call(IntCall c) {
        try {
            return c.call();
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed", t);
        }
    }

    @Override
    public void close() {
        arena.close();
    }

    /**
     * Ends an {@link #await} from any thread: a pipe that becomes readable once {@link #wake} wrote to it
     * (and stays so). {@link #close} and {@link #wake} may race; a closed waker ignores wakes.
     */
    public static final class Waker implements AutoCloseable {
        private final int readFd;
        private final int writeFd;
        private boolean closed;

        public Waker() throws IOException {
            require();
            try (ZeroCopy z = new ZeroCopy()) {
                int[] fds = z.pipe();
                readFd = fds[0];
                writeFd = fds[1];
            }
        }

        /** Wakes every present and future {@link #await} on this waker. */
        public synchronized void wake() {
            if (closed) {
                return;
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment one = a.allocate(1);
                MemorySegment st = Libc.newCallState(a);
                long ignored = (long) Libc.Linux.WRITE.invokeExact(st, writeFd, one, 1L);
            } catch (Throwable t) {
                // a full wake pipe is woken already
            }
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                ZeroCopy.close(readFd);
                ZeroCopy.close(writeFd);
            }
        }
    }
}
