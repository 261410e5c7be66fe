package netkit.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Moving bytes between descriptors inside the kernel (Linux): {@code splice(2)} between a pipe and
 * anything, {@code sendfile(2)} from a regular file to a socket, and {@code poll(2)} to wait; and
 * {@code send(2)} of native memory straight to a socket descriptor (the hubs' fan-out: static, it keeps
 * no call state, see {@link #send}). One object per thread for the rest (its call state lives in a
 * confined arena); close it on that thread.
 *
 * <p>The calls never block in the kernel: pipes are spliced with {@code SPLICE_F_NONBLOCK} and the
 * caller puts the socket in non-blocking mode ({@link #setNonBlocking}; the JDK's blocking channels
 * cope with that, they poll on {@code EAGAIN}), so every wait is an {@link #await} that a
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

    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVLOWAT = 18;
    private static final int MSG_DONTWAIT = 0x40;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SPLICE_F_MOVE = 1;
    private static final int SPLICE_F_NONBLOCK = 2;
    private static final int O_NONBLOCK = 0x800;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int F_SETPIPE_SZ = 1031;
    private static final int F_GETPIPE_SZ = 1032;

    /** What a descriptor is, as far as zero-copy cares. */
    public enum Kind {
        PIPE,
        REGULAR_FILE,
        SOCKET,
        CHARACTER_DEVICE,
        OTHER
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment state = arena.allocate(Libc.Linux.STATE);
    private final MemorySegment pollFds = arena.allocate(16, 8);
    private final MemorySegment optionValue = arena.allocate(ValueLayout.JAVA_INT);

    public ZeroCopy() {
        if (!available()) {
            throw new UnsupportedOperationException("zero-copy " + Libc.Linux.UNAVAILABLE_REASON);
        }
    }

    /** Whether the calls are linked here (Linux, native access on); links them on the first call. */
    public static boolean available() {
        return Os.LINUX && Libc.Linux.AVAILABLE;
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
            long n = (long) Libc.Linux.SPLICE.invokeExact(
                    state, in, MemorySegment.NULL, out, MemorySegment.NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
            return n < 0 ? -Libc.Linux.errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("splice", t);
        }
    }

    /** Whether {@link #send} is linked here (linking it now, once): false where {@link #available} is false. */
    public static boolean sendLinked() {
        try {
            return available() && Libc.Linux.Send.SEND != null;
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * {@code send(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL)}: bytes taken by the socket, or -1 when it took
     * none: full ({@code EAGAIN}) or failed, without saying which (the reason is not captured: that costs an
     * object per call, see {@link Libc.Linux.Send}); the caller queues the bytes for the channel's own write,
     * which waits for room or reports the error. Never blocks and never raises SIGPIPE. The caller must know
     * that {@code fd} is still the socket it means (see {@code SocketLoop}).
     */
    public static long send(int fd, MemorySegment data, long len) {
        try {
            long n = (long) Libc.Linux.Send.SEND.invokeExact(fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
            return n < 0 ? -1 : n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** {@code sendfile(out, in, NULL, count)} from the file's own offset: bytes moved, 0 at EOF, or -errno. */
    public long sendfile(int out, int in, long count) {
        try {
            long n = (long) Libc.Linux.Sendfile.SENDFILE.invokeExact(state, out, in, MemorySegment.NULL, count);
            return n < 0 ? -Libc.Linux.errno(state) : n;
        } catch (Throwable t) {
            throw new IllegalStateException("sendfile", t);
        }
    }

    /** A second descriptor for the same open file: its number stays ours whatever happens to {@code fd}. */
    public int dup(int fd) throws IOException {
        int rc;
        try {
            rc = (int) Libc.Linux.DUP.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("dup", t);
        }
        if (rc < 0) {
            throw new IOException("dup: cannot duplicate descriptor " + fd);
        }
        return rc;
    }

    /** Puts the open file behind {@code fd} (shared with every copy of it) in non-blocking mode. */
    public void setNonBlocking(int fd) throws IOException {
        int flags = fcntl(fd, F_GETFL, 0);
        if (flags < 0 || (flags & O_NONBLOCK) == 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
            throw new IOException("fcntl: cannot make descriptor " + fd + " non-blocking");
        }
    }

    /** Asks for a pipe of {@code bytes} capacity (best effort, capped by fs.pipe-max-size): the new size, or -1. */
    public int setPipeSize(int fd, int bytes) {
        return fcntl(fd, F_SETPIPE_SZ, bytes);
    }

    /** The capacity of the pipe behind {@code fd} in bytes, or -1 when it is not a pipe. */
    public static int pipeSize(int fd) {
        return fcntl(fd, F_GETPIPE_SZ, 0);
    }

    /**
     * Enlarges the pipe behind {@code fd} to at least {@code bytes} (best effort: never shrinks it, and a
     * refusal, e.g. over the user's pipe quota, leaves it as it was): the pipe's capacity afterwards, or -1
     * when {@code fd} is not a pipe.
     */
    public static int growPipe(int fd, int bytes) {
        int size = pipeSize(fd);
        if (size < 0 || size >= bytes) {
            return size;
        }
        int grown = fcntl(fd, F_SETPIPE_SZ, bytes);
        return grown < 0 ? size : grown;
    }

    private static int fcntl(int fd, int cmd, int arg) {
        try {
            return (int) Libc.Linux.FCNTL.invokeExact(fd, cmd, arg);
        } catch (Throwable t) {
            throw new IllegalStateException("fcntl", t);
        }
    }

    /**
     * Waits until {@code fd} is ready for {@code events} (or has an error or hang-up, which the next call
     * then reports) or {@code waker} was woken. True when {@code fd} is ready, false when woken.
     */
    public boolean await(int fd, short events, Waker waker) throws IOException {
        return await(fd, events, waker, -1) > 0;
    }

    /**
     * {@link #await} for at most {@code timeoutMillis} (-1: no bound): 1 when {@code fd} is ready, 0 when the
     * time ran out, -1 when {@code waker} was woken.
     */
    public int await(int fd, short events, Waker waker, int timeoutMillis) throws IOException {
        pollFds.set(ValueLayout.JAVA_INT, 0, fd);
        pollFds.set(ValueLayout.JAVA_INT, 8, waker.readFd);
        while (true) {
            pollFds.set(ValueLayout.JAVA_SHORT, 4, events);
            pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            pollFds.set(ValueLayout.JAVA_SHORT, 12, POLLIN);
            pollFds.set(ValueLayout.JAVA_SHORT, 14, (short) 0);
            int rc;
            try {
                rc = (int) Libc.Linux.POLL.invokeExact(state, pollFds, 2L, timeoutMillis);
            } catch (Throwable t) {
                throw new IllegalStateException("poll", t);
            }
            if (rc < 0) {
                int e = Libc.Linux.errno(state);
                if (e == EINTR) {
                    continue;
                }
                throw error(e);
            }
            if (pollFds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
                return -1;
            }
            if (pollFds.get(ValueLayout.JAVA_SHORT, 6) != 0) {
                return 1;
            }
            if (rc == 0 && timeoutMillis >= 0) {
                return 0;
            }
        }
    }

    /**
     * Sets the socket {@code fd}'s receive low-water mark ({@code SO_RCVLOWAT}): {@code poll} reports it
     * readable only once that many bytes are queued, or at its end or an error. False when it could not be set.
     */
    public boolean setReceiveLowWater(int fd, int bytes) {
        optionValue.set(ValueLayout.JAVA_INT, 0, bytes);
        try {
            return (int) Libc.SETSOCKOPT.invokeExact(state, fd, SOL_SOCKET, SO_RCVLOWAT, optionValue, 4) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Closes a descriptor this object made ({@link #dup}); -1 is ignored. */
    public static void close(int fd) {
        if (fd >= 0) {
            try {
                int ignored = (int) Libc.Linux.CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                // nothing left to do with it
            }
        }
    }

    /** The exception the JDK would throw for {@code errno}: the C library's own wording. */
    public static IOException error(int errno) {
        return new IOException(Libc.strerror(errno));
    }

    @Override
    public void close() {
        arena.close();
    }

    /**
     * Ends an {@link #await} from any thread: a JDK pipe that becomes readable once {@link #wake} wrote
     * to it (and stays so). A closed waker ignores wakes.
     */
    public static final class Waker implements AutoCloseable {
        private final Pipe pipe;
        private final int readFd;

        public Waker() throws IOException {
            pipe = Pipe.open();
            pipe.sink().configureBlocking(false);
            readFd = Descriptors.fd(pipe.source());
        }

        /** Wakes every present and future {@link #await} on this waker. */
        public void wake() {
            try {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                // closed (nothing to wake) or full (woken already)
            }
        }

        @Override
        public void close() throws IOException {
            pipe.sink().close();
            pipe.source().close();
        }
    }
}
