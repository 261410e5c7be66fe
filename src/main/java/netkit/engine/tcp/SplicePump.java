package netkit.engine.tcp;

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import netkit.engine.stream.Transport;
import netkit.sys.Descriptors;
import netkit.sys.ZeroCopy;

/**
 * The zero-copy pump strategy of a bulk relay (Linux): stdin → socket with {@code splice} (stdin a
 * pipe) or {@code sendfile} (stdin a regular file), socket → stdout with {@code splice} (straight
 * into stdout when it is a pipe, else through a pipe of our own). Bytes never enter the JVM.
 *
 * <p>Only for a plain transport, with nothing that must see or change the bytes ({@code -x},
 * {@code -C} on what we send, a REPL): the session decides, {@link #usable}. The bookkeeping is the
 * buffer path's: the connection counts every byte and its activity time, and the session's rules
 * (stdin EOF policy, peer EOF, {@code -q}, {@code -i}, errors) see the same events. Anything the kernel
 * refuses before a byte moved (a descriptor type splice does not take: EINVAL) hands over to the
 * buffer path, which goes on from exactly where this stopped.
 *
 * <p>The socket's descriptor is duplicated, so its number stays ours even when the JDK closes the
 * channel meanwhile, and put in non-blocking mode (the JDK's blocking channel polls on EAGAIN); every
 * wait is a {@code poll} that closing the connection ends ({@link Connection#onClose}).
 */
final class SplicePump {
    private SplicePump() {}

    /** How a pump stopped. */
    enum End {
        /** The input (stdin, or the peer) ended. */
        EOF,
        /** The connection was closed or the session ended under it. */
        CLOSED,
        /** Zero-copy cannot go on here; the buffer path takes over from where it stopped. */
        FALLBACK
    }

    /** Writing what the peer sent to our output failed (not the socket). */
    static final class OutputFailed extends IOException {
        OutputFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Reading our input failed (not the socket). */
    static final class InputFailed extends IOException {
        InputFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * The wait for a socket to read from. Once a splice moved {@link #BULK} bytes or more, the transfer is bulk:
     * the socket's low-water mark goes up to {@link #LOW_WATER}, so that a wake-up finds a lot queued rather than
     * the next segment (a 2 GiB transfer woke 25,000 times for ~85 KiB each), and each wait is bounded by
     * {@link #LOW_WATER_WAIT_MS}, so that a pause in the stream never strands what came before it. A wait that
     * runs out followed by nothing to read ends bulk mode (the mark back to 1 byte, waits unbounded).
     */
    static final class BulkWait {
        static final long BULK = 64 * 1024;
        static final int LOW_WATER = 256 * 1024;
        static final int LOW_WATER_WAIT_MS = 2;

        private final ZeroCopy z;
        private final int sock;
        private final ZeroCopy.Waker waker;
        private boolean bulk;
        private boolean raised;
        private boolean ranOut;
        /** False once the low-water mark could not be set: then every wait is unbounded, as before. */
        private boolean settable = true;

        BulkWait(ZeroCopy z, int sock, ZeroCopy.Waker waker) {
            this.z = z;
            this.sock = sock;
            this.waker = waker;
        }

        void moved(long n) {
            ranOut = false;
            if (n >= BULK) {
                bulk = true;
            }
        }

        /** Waits until the socket is worth reading; false when woken (the connection closed). */
        boolean awaitReadable() throws IOException {
            if (bulk && ranOut) { // the wait ran out and nothing came: the stream paused
                bulk = false;
                if (raised) {
                    z.setReceiveLowWater(sock, 1);
                    raised = false;
                }
            }
            if (bulk && !raised && settable) {
                raised = settable = z.setReceiveLowWater(sock, LOW_WATER);
            }
            if (!raised) {
                return z.await(sock, ZeroCopy.POLLIN, waker);
            }
            int r = z.await(sock, ZeroCopy.POLLIN, waker, LOW_WATER_WAIT_MS);
            ranOut = r == 0;
            return r >= 0;
        }
    }

    /** Most bytes asked of one call: a splice moves at most what the pipe holds anyway. */
    private static final long CHUNK = 1 << 20;
    /** The capacity asked for our own pipe (fs.pipe-max-size is 1 MiB by default): fewer, larger splices. */
    private static final int PIPE_SIZE = 1 << 20;

    /**
     * The capacity asked of a pipe on our stdin or stdout (1 MiB, the default fs.pipe-max-size; never
     * shrunk). The kernel's default of 64 KiB wakes the other end every few KiB: with 1 MiB the stdin pump
     * reads a full buffer per call and the producer and netkit wake each other about 4x less often (2 GiB
     * through {@code head -c … |}: 57,000 → 12,000 context switches in netkit, BENCHMARKS.md "Zero-copy").
     * {@code -Dnetkit.pipeSize=0} leaves the pipes as they are (for measurements).
     */
    private static int stdioPipeSize() {
        return Integer.getInteger("netkit.pipeSize", 256 * 1024);
    }

    /** Enlarges {@code fd}'s pipe to {@link #stdioPipeSize} (best effort). */
    private static void growStdioPipe(int fd) {
        int size = stdioPipeSize();
        if (size > 0) {
            ZeroCopy.growPipe(fd, size);
        }
    }

    /** Links the native calls ahead of the first transfer, unless zero-copy is off (best effort). */
    static void prepare() {
        if (!"off".equals(System.getProperty("netkit.zeroCopy"))) {
            ZeroCopy.available();
        }
    }

    /**
     * Whether zero-copy may run for this transport: Linux with the native calls linked, a plain socket,
     * and not switched off with {@code -Dnetkit.zeroCopy=off} (the way to compare with the buffer path;
     * {@code -Dnetkit.zeroCopy=all} also splices a stdin pipe, which is slower, see {@link #send}).
     */
    static boolean usable(Transport transport) {
        return transport.plain() && !"off".equals(System.getProperty("netkit.zeroCopy")) && ZeroCopy.available();
    }

    /**
     * Whether a forwarder's splice ({@link #forward}) may run between these transports: both
     * {@link #usable}, and asked for with {@code -Dnetkit.zeroCopy=all}. Not by default: on loopback
     * (kernel 6.18, BENCHMARKS.md "Forwarding") socket → pipe → socket measured 0.6-0.7x the buffer
     * path's throughput — the spliced pages go out as the small fragments they arrived in, where a
     * copy into the socket fills large segments.
     */
    static boolean forwardUsable(Transport a, Transport b) {
        return usable(a) && usable(b) && "all".equals(System.getProperty("netkit.zeroCopy"));
    }

    /**
     * Sends {@code in} to the connection's socket until EOF, the end of the session or a failure: a
     * regular file with {@code sendfile} (its pages go from the page cache to the socket); a pipe only
     * with {@code -Dnetkit.zeroCopy=all}, with {@code splice}, because on loopback that measured slower
     * than reading the pipe into a buffer. A pipe is enlarged first ({@link #stdioPipeSize}), for the buffer
     * path too. Socket errors are thrown as they are, input errors as {@link InputFailed}.
     */
    static End send(Connection connection, int in, Session session) throws IOException {
        ZeroCopy.Kind kind = ZeroCopy.kind(in);
        if (kind != ZeroCopy.Kind.PIPE && kind != ZeroCopy.Kind.REGULAR_FILE) {
            return End.FALLBACK;
        }
        boolean pipe = kind == ZeroCopy.Kind.PIPE;
        if (pipe) {
            growStdioPipe(in);
        }
        if (pipe && !"all".equals(System.getProperty("netkit.zeroCopy"))) {
            // Measured (BENCHMARKS.md): splicing a pipe into a socket was slower than the buffer path on
            // loopback — every spliced page leaves the pipe, so the writer allocates a fresh page per 4 KiB,
            // and the socket carries 4 KiB fragments instead of its own large ones.
            return End.FALLBACK;
        }
        int socketFd = socketFd(connection);
        if (socketFd < 0) {
            return End.FALLBACK;
        }
        try (ZeroCopy z = new ZeroCopy();
                ZeroCopy.Waker waker = new ZeroCopy.Waker()) {
            Runnable wake = waker::wake;
            int sock = z.dup(socketFd);
            try {
                if (!connection.onClose(wake)) {
                    return End.CLOSED;
                }
                z.setNonBlocking(sock);
                boolean moved = false;
                while (!session.isDone()) {
                    long n = pipe ? z.splice(in, sock, CHUNK) : z.sendfile(sock, in, CHUNK);
                    if (n > 0) {
                        moved = true;
                        connection.sentDirectly(n);
                        continue;
                    }
                    if (n == 0) {
                        return End.EOF;
                    }
                    int errno = (int) -n;
                    if (errno == ZeroCopy.EINTR) {
                        continue;
                    }
                    if (errno == ZeroCopy.EAGAIN) {
                        // stdin empty or the socket's buffer full: wait for both, or for the close
                        if (pipe && !z.await(in, ZeroCopy.POLLIN, waker) || !z.await(sock, ZeroCopy.POLLOUT, waker)) {
                            return End.CLOSED;
                        }
                        continue;
                    }
                    if (!moved && unsupported(errno)) {
                        return End.FALLBACK;
                    }
                    IOException e = ZeroCopy.error(errno);
                    throw socketError(errno) ? asSocketError(errno, e) : new InputFailed(e);
                }
                return End.CLOSED;
            } finally {
                connection.removeOnClose(wake);
                ZeroCopy.close(sock);
            }
        }
    }

    /**
     * Moves what the peer sends to {@code out} until the peer's EOF, the end of the session or a
     * failure; a stdout pipe is enlarged first ({@link #stdioPipeSize}). Socket errors are thrown as they
     * are, output errors as {@link OutputFailed}. When the
     * kernel refuses to splice into {@code out}, what is already in our pipe goes through {@code sink}
     * and the caller's buffer path goes on.
     */
    static End receive(Connection connection, int out, DataSink sink) throws IOException {
        boolean direct = ZeroCopy.kind(out) == ZeroCopy.Kind.PIPE;
        int socketFd = socketFd(connection);
        if (socketFd < 0) {
            return End.FALLBACK;
        }
        try (ZeroCopy z = new ZeroCopy();
                ZeroCopy.Waker waker = new ZeroCopy.Waker()) {
            Runnable wake = waker::wake;
            int sock = z.dup(socketFd);
            Pipe pipe = null;
            try {
                if (!connection.onClose(wake)) {
                    return End.CLOSED;
                }
                z.setNonBlocking(sock);
                int pipeIn = -1;
                int pipeOut = -1;
                if (!direct) {
                    pipe = Pipe.open();
                    pipeIn = Descriptors.fd(pipe.source());
                    pipeOut = Descriptors.fd(pipe.sink());
                    z.setPipeSize(pipeOut, PIPE_SIZE);
                }
                if (direct) {
                    growStdioPipe(out);
                }
                int target = direct ? out : pipeOut;
                boolean moved = false;
                BulkWait bulk = new BulkWait(z, sock, waker);
                boolean outputWorks = direct;
                while (true) {
                    connection.awaitResumed();
                    if (!connection.isOpen()) {
                        return End.CLOSED;
                    }
                    long n = z.splice(sock, target, CHUNK);
                    if (n > 0) {
                        moved = true;
                        bulk.moved(n);
                        connection.receivedDirectly(n);
                        if (!direct) {
                            long left = n;
                            while (left > 0) {
                                long m = z.splice(pipeIn, out, left);
                                if (m > 0) {
                                    left -= m;
                                    outputWorks = true;
                                } else if (m == -ZeroCopy.EAGAIN) {
                                    if (!z.await(out, ZeroCopy.POLLOUT, waker)) {
                                        return End.CLOSED;
                                    }
                                } else if (m == -ZeroCopy.EINTR) {
                                    continue;
                                } else if (!outputWorks && unsupported((int) -m)) {
                                    drain(pipe, left, connection, sink);
                                    return End.FALLBACK;
                                } else {
                                    throw new OutputFailed(ZeroCopy.error((int) (m == 0 ? ZeroCopy.EINVAL : -m)));
                                }
                            }
                        }
                        continue;
                    }
                    if (n == 0) {
                        return End.EOF;
                    }
                    int errno = (int) -n;
                    if (errno == ZeroCopy.EINTR) {
                        continue;
                    }
                    if (errno == ZeroCopy.EAGAIN) {
                        // nothing to read, or (straight into stdout) stdout full
                        if (!bulk.awaitReadable() || direct && !z.await(out, ZeroCopy.POLLOUT, waker)) {
                            return End.CLOSED;
                        }
                        continue;
                    }
                    if (!moved && unsupported(errno)) {
                        return End.FALLBACK;
                    }
                    IOException e = ZeroCopy.error(errno);
                    if (socketError(errno) && errno != EPIPE || !direct) {
                        throw asSocketError(errno, e);
                    }
                    throw new OutputFailed(e);
                }
            } finally {
                connection.removeOnClose(wake);
                ZeroCopy.close(sock);
                if (pipe != null) {
                    pipe.source().close();
                    pipe.sink().close();
                }
            }
        }
    }

    /**
     * One direction of a forwarder ({@link Splice}): moves what {@code from}'s peer sends to {@code to}'s
     * peer, socket → our pipe → socket, until {@code from}'s EOF (the caller then half-closes {@code to}),
     * either connection's close, or a failure. The pipe is the only buffer and bounded ({@link #PIPE_SIZE}):
     * while {@code to}'s peer does not read, its socket buffer fills, the pipe stays full and {@code from}
     * is no longer read, so backpressure reaches {@code from}'s peer as on the buffer path. Errors reading
     * {@code from} are thrown as they are, errors writing {@code to} as {@link OutputFailed} (the socket's
     * own error inside). When the kernel refuses a socket before a byte moved (EINVAL), what is already in
     * our pipe is written to {@code to} through its buffer path, and the caller's buffer path goes on.
     */
    static End forward(Connection from, Connection to) throws IOException {
        int fromFd = socketFd(from);
        int toFd = socketFd(to);
        if (fromFd < 0 || toFd < 0) {
            return End.FALLBACK;
        }
        try (ZeroCopy z = new ZeroCopy();
                ZeroCopy.Waker waker = new ZeroCopy.Waker()) {
            Runnable wake = waker::wake;
            int in = -1;
            int out = -1;
            Pipe pipe = null;
            try {
                in = z.dup(fromFd);
                out = z.dup(toFd);
                if (!from.onClose(wake) || !to.onClose(wake)) {
                    return End.CLOSED;
                }
                z.setNonBlocking(in);
                z.setNonBlocking(out);
                pipe = Pipe.open();
                int pipeIn = Descriptors.fd(pipe.source());
                int pipeOut = Descriptors.fd(pipe.sink());
                z.setPipeSize(pipeOut, PIPE_SIZE);
                boolean received = false;
                boolean sent = false;
                BulkWait bulk = new BulkWait(z, in, waker);
                while (true) {
                    from.awaitResumed();
                    if (!from.isOpen() || !to.isOpen()) {
                        return End.CLOSED;
                    }
                    long n = z.splice(in, pipeOut, CHUNK);
                    if (n > 0) {
                        received = true;
                        bulk.moved(n);
                        from.receivedDirectly(n);
                        long left = n;
                        while (left > 0) {
                            long m = z.splice(pipeIn, out, left);
                            if (m > 0) {
                                left -= m;
                                sent = true;
                                to.sentDirectly(m);
                                continue;
                            }
                            int errno = m == 0 ? ZeroCopy.EINVAL : (int) -m;
                            if (errno == ZeroCopy.EAGAIN) {
                                // the peer's window and our socket buffer are full: wait, reading nothing meanwhile
                                if (!z.await(out, ZeroCopy.POLLOUT, waker)) {
                                    return End.CLOSED;
                                }
                            } else if (errno != ZeroCopy.EINTR) {
                                if (!sent && unsupported(errno)) {
                                    drain(pipe, left, to, (c, buf) -> c.write(buf));
                                    return End.FALLBACK;
                                }
                                throw new OutputFailed(asSocketError(errno, ZeroCopy.error(errno)));
                            }
                        }
                        continue;
                    }
                    if (n == 0) {
                        return End.EOF;
                    }
                    int errno = (int) -n;
                    if (errno == ZeroCopy.EINTR) {
                        continue;
                    }
                    if (errno == ZeroCopy.EAGAIN) {
                        if (!bulk.awaitReadable()) {
                            return End.CLOSED;
                        }
                        continue;
                    }
                    if (!received && unsupported(errno)) {
                        return End.FALLBACK;
                    }
                    throw asSocketError(errno, ZeroCopy.error(errno));
                }
            } finally {
                from.removeOnClose(wake);
                to.removeOnClose(wake);
                ZeroCopy.close(in);
                ZeroCopy.close(out);
                if (pipe != null) {
                    pipe.source().close();
                    pipe.sink().close();
                }
            }
        }
    }

    /** Hands the {@code left} bytes still in our pipe to the buffer path's sink. */
    private static void drain(Pipe pipe, long left, Connection connection, DataSink sink) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(left, Session.BUFFER_SIZE));
        while (left > 0) {
            buf.clear();
            buf.limit((int) Math.min(left, buf.capacity()));
            int n = pipe.source().read(buf);
            if (n <= 0) {
                throw new IOException("zero-copy: lost " + left + " bytes in the relay pipe");
            }
            left -= n;
            buf.flip();
            try {
                sink.accept(connection, buf);
            } catch (IOException e) {
                throw new OutputFailed(e);
            }
        }
    }

    private static final int EPIPE = 32;
    private static final int ECONNRESET = 104;

    private static boolean unsupported(int errno) {
        return errno == ZeroCopy.EINVAL || errno == ZeroCopy.ENOSYS || errno == ZeroCopy.EOPNOTSUPP;
    }

    /** Errors that come from the socket, not from a pipe or file. */
    private static boolean socketError(int errno) {
        return switch (errno) {
            case EPIPE,
                    ECONNRESET,
                    107 /* ENOTCONN */,
                    110 /* ETIMEDOUT */,
                    103 /* ECONNABORTED */,
                    113 /* EHOSTUNREACH */,
                    101 /* ENETUNREACH */,
                    100 /* ENETDOWN */,
                    112 /* EHOSTDOWN */ -> true;
            default -> false;
        };
    }

    /** The JDK's wording for a reset ("Connection reset"), the C library's for the rest. */
    private static IOException asSocketError(int errno, IOException e) {
        return errno == ECONNRESET ? new SocketException("Connection reset") : e;
    }

    /** The descriptor of the socket under {@code c}, or -1 where this JVM does not let us reach it. */
    private static int socketFd(Connection c) {
        try {
            return Descriptors.fd(c.transport().socket());
        } catch (UnsupportedOperationException e) {
            return -1;
        }
    }
}
