package netkit.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * The C library functions netkit calls directly, through the Foreign Function &amp; Memory API:
 * the one place in netkit that links native code. Linking happens when this class is first used,
 * so the commands that never need it (most of them) never pay for it.
 *
 * <p>Functions that report failure through {@code errno} take a capture-state segment as their
 * first argument ({@link #newCallState}); {@link #errno} reads it back. Without native access
 * enabled for netkit (the launcher and the jar manifest enable it) the JDK would print a warning,
 * so {@link #AVAILABLE} is false then and nothing is linked.
 */
public final class Libc {
    private Libc() {}

    /** Linux or macOS, and native access enabled: the functions below are linked. */
    public static final boolean AVAILABLE;
    /** Why {@link #AVAILABLE} is false, for one-line errors; null when it is true. */
    public static final String UNAVAILABLE_REASON;

    /** {@code int socket(int domain, int type, int protocol)}. */
    public static final MethodHandle SOCKET;
    /** {@code int connect(int fd, const struct sockaddr *addr, socklen_t len)}, errno captured. */
    public static final MethodHandle CONNECT;
    /** {@code int close(int fd)}. */
    public static final MethodHandle CLOSE;
    /** {@code int getsockname(int fd, struct sockaddr *addr, socklen_t *len)}. */
    public static final MethodHandle GETSOCKNAME;
    /** {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t len)}, errno captured. */
    public static final MethodHandle SETSOCKOPT;
    /** {@code int getsockopt(int fd, int level, int name, void *value, socklen_t *len)}, errno captured. */
    public static final MethodHandle GETSOCKOPT;
    /** {@code char *strerror(int errnum)}. */
    public static final MethodHandle STRERROR;

    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    static {
        MethodHandle socket = null, connect = null, close = null, getsockname = null;
        MethodHandle setsockopt = null, getsockopt = null, strerror = null;
        String reason = null;
        if (!Os.LINUX && !Os.MAC) {
            reason = "is supported on Linux and macOS only (this is " + System.getProperty("os.name") + ")";
        } else if (!Libc.class.getModule().isNativeAccessEnabled()) {
            reason = "needs native access: run with --enable-native-access=ALL-UNNAMED (./netkit and the jar "
                    + "manifest pass it)";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option errno = Linker.Option.captureCallState("errno");
                ValueLayout.OfInt i = ValueLayout.JAVA_INT;
                ValueLayout p = ValueLayout.ADDRESS;
                socket = linker.downcallHandle(find(libc, "socket"), FunctionDescriptor.of(i, i, i, i));
                connect = linker.downcallHandle(find(libc, "connect"), FunctionDescriptor.of(i, i, p, i), errno);
                close = linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(i, i));
                getsockname = linker.downcallHandle(find(libc, "getsockname"), FunctionDescriptor.of(i, i, p, p));
                setsockopt =
                        linker.downcallHandle(find(libc, "setsockopt"), FunctionDescriptor.of(i, i, i, i, p, i), errno);
                getsockopt =
                        linker.downcallHandle(find(libc, "getsockopt"), FunctionDescriptor.of(i, i, i, i, p, p), errno);
                strerror = linker.downcallHandle(find(libc, "strerror"), FunctionDescriptor.of(p, i));
            } catch (RuntimeException | LinkageError e) {
                reason = "cannot link the C library in this JVM: " + e;
            }
        }
        AVAILABLE = reason == null;
        UNAVAILABLE_REASON = reason;
        SOCKET = socket;
        CONNECT = connect;
        CLOSE = close;
        GETSOCKNAME = getsockname;
        SETSOCKOPT = setsockopt;
        GETSOCKOPT = getsockopt;
        STRERROR = strerror;
    }

    private static MemorySegment find(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException("no native symbol " + name));
    }

    /** A segment for the errno that a capturing call leaves behind. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno a capturing call stored in {@code callState}. */
    public static int errno(MemorySegment callState) {
        return callState.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }

    /** {@code strerror(errno)} in lower case with the number: {@code "permission denied (errno 13)"}. */
    public static String describe(int errno) {
        try {
            MemorySegment text = ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256);
            return text.getString(0).toLowerCase(Locale.ROOT) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /**
     * The Linux calls of the zero-copy relay ({@link ZeroCopy}), linked when this class is first used and
     * independently of the rest of {@link Libc}: each distinct call shape costs the JVM a generated stub
     * (tens of ms of CPU at start-up), so there are few shapes here and only those that need
     * {@code errno} capture it. Pipes and wake-ups come from the JDK ({@code java.nio.channels.Pipe}).
     */
    public static final class Linux {
        private Linux() {}

        /** Linux, native access enabled, and every function below linked. */
        public static final boolean AVAILABLE;
        /** Why {@link #AVAILABLE} is false; null when it is true. */
        public static final String UNAVAILABLE_REASON;
        /** {@code ssize_t splice(int in, loff_t *off_in, int out, loff_t *off_out, size_t len, unsigned flags)}, errno captured. */
        public static final MethodHandle SPLICE;
        /** {@code int poll(struct pollfd *fds, nfds_t n, int timeout)}, errno captured. */
        public static final MethodHandle POLL;
        /** {@code int dup(int fd)}. */
        public static final MethodHandle DUP;
        /** {@code int close(int fd)}. */
        public static final MethodHandle CLOSE;
        /** {@code int fcntl(int fd, int cmd, int arg)} (variadic in C: linked with one int argument). */
        public static final MethodHandle FCNTL;
        /** The layout of the call state that {@link #SPLICE} and {@link #POLL} fill in. */
        public static final StructLayout STATE = Linker.Option.captureStateLayout();

        static final long ERRNO = STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

        static {
            MethodHandle splice = null, poll = null, dup = null, close = null, fcntl = null;
            String reason = null;
            if (!Os.LINUX) {
                reason = "is Linux only";
            } else if (!Libc.class.getModule().isNativeAccessEnabled()) {
                reason = "needs native access (--enable-native-access=ALL-UNNAMED)";
            } else {
                try {
                    Linker linker = Linker.nativeLinker();
                    SymbolLookup libc = linker.defaultLookup();
                    Linker.Option errno = Linker.Option.captureCallState("errno");
                    ValueLayout.OfInt i = ValueLayout.JAVA_INT;
                    ValueLayout.OfLong l = ValueLayout.JAVA_LONG;
                    ValueLayout p = ValueLayout.ADDRESS;
                    splice = linker.downcallHandle(
                            find(libc, "splice"), FunctionDescriptor.of(l, i, p, i, p, l, i), errno);
                    poll = linker.downcallHandle(find(libc, "poll"), FunctionDescriptor.of(i, p, l, i), errno);
                    dup = linker.downcallHandle(find(libc, "dup"), FunctionDescriptor.of(i, i));
                    close = linker.downcallHandle(find(libc, "close"), FunctionDescriptor.of(i, i));
                    fcntl = linker.downcallHandle(
                            find(libc, "fcntl"), FunctionDescriptor.of(i, i, i, i), Linker.Option.firstVariadicArg(2));
                } catch (RuntimeException | LinkageError e) {
                    reason = "cannot link the C library in this JVM: " + e;
                }
            }
            AVAILABLE = reason == null;
            UNAVAILABLE_REASON = reason;
            SPLICE = splice;
            POLL = poll;
            DUP = dup;
            CLOSE = close;
            FCNTL = fcntl;
        }

        /** {@code ssize_t sendfile(int out, int in, off_t *offset, size_t count)}, errno captured: linked on first use (regular-file stdin only). */
        public static final class Sendfile {
            private Sendfile() {}

            public static final MethodHandle SENDFILE = linkWithErrno(
                    "sendfile",
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG));
        }

        /**
         * {@code ssize_t send(int fd, const void *buf, size_t len, int flags)}, errno not captured: linked on
         * first use (the hubs' fan-out, {@link ZeroCopy#send}). Capturing it costs a 40-byte object per call in
         * C1-compiled code (the hubs run C1 only), 400 KB of garbage per line to 10,000 clients; the fan-out
         * does not need the reason of a failure (see {@link ZeroCopy#send}).
         */
        public static final class Send {
            private Send() {}

            public static final MethodHandle SEND = link(
                    "send",
                    FunctionDescriptor.of(
                            ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT,
                            ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT));
        }

        /** A C library function with errno captured, or null when {@link #AVAILABLE} is false. */
        private static MethodHandle linkWithErrno(String name, FunctionDescriptor descriptor) {
            return link(name, descriptor, Linker.Option.captureCallState("errno"));
        }

        /** A C library function linked with {@code options}, or null when {@link #AVAILABLE} is false. */
        private static MethodHandle link(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            if (!AVAILABLE) {
                return null;
            }
            Linker linker = Linker.nativeLinker();
            return linker.downcallHandle(find(linker.defaultLookup(), name), descriptor, options);
        }

        private static MemorySegment find(SymbolLookup lookup, String name) {
            return lookup.find(name).orElseThrow(() -> new IllegalStateException("no native symbol " + name));
        }

        /** The errno a capturing call left in {@code state} (a segment of {@link #STATE}). */
        public static int errno(MemorySegment state) {
            return state.get(ValueLayout.JAVA_INT, ERRNO);
        }
    }

    /** {@code strerror(errno)} as the C library words it, the way the JDK's own I/O exceptions do. */
    public static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno))
                    .reinterpret(256)
                    .getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** Throws {@link UnsupportedOperationException} with {@code what} and the reason when not {@link #AVAILABLE}. */
    public static void require(String what) {
        if (!AVAILABLE) {
            throw new UnsupportedOperationException(what + " " + UNAVAILABLE_REASON);
        }
    }
}
