package netkit.engine.scan;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * The fast probe for loopback targets: plain {@code socket}/{@code connect}/{@code close} calls
 * through the Foreign Function API, one socket reused for every refused port.
 *
 * <p>Why: on loopback a closed port answers inside the {@code connect} call itself, so a scan of
 * thousands of ports is bound by the kernel's cost per probe, not by waiting. Half of that cost
 * is creating and destroying the socket, which {@link java.nio.channels.SocketChannel} must do per
 * probe (it closes itself when a connect fails). Linux lets a TCP socket connect again after a
 * refused connect, so here one non-blocking socket serves every refused port: {@code connect}
 * (EINPROGRESS; the kernel handles the SYN and the reset before the call returns), {@code connect}
 * again to collect the outcome (ECONNREFUSED resets the socket for the next port, 0 means
 * connected). A port whose outcome is not there at once (a dropped SYN) is reported as
 * undecided, and the caller probes it the ordinary way, with the timeout.
 *
 * <p>Available on Linux (x86-64, AArch64) with Java 22 or newer when native access is enabled
 * for netkit (the launcher and the jar manifest enable it); {@link #available()} says so, and
 * nothing here is loaded otherwise. The API is reached through method handles because netkit
 * compiles for Java 21, where it is a preview API.
 */
final class LoopbackProbe implements AutoCloseable {
    // Linux errno values (the same on x86-64 and AArch64)
    private static final int EISCONN = 106;
    private static final int ECONNREFUSED = 111;
    private static final int EALREADY = 114;
    private static final int EINPROGRESS = 115;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM_NONBLOCK_CLOEXEC = 1 | 0x800 | 0x80000;

    private final InetAddress address;
    private final int family;
    private final int addressLength;
    private final Object sockaddr; // MemorySegment
    private final long sockaddrAddress;
    private final Object localAddress; // MemorySegment: getsockname's result and its length
    private final long localAddressAddress;
    private final Object callState; // MemorySegment: errno captured by connect
    private int fd = -1;

    /** Whether the fast probe can be used in this JVM (linking happens on the first call). */
    static boolean available() {
        return Native.LINKED;
    }

    /** A probe of {@code address} (a loopback address) for one thread; close it when done. */
    LoopbackProbe(InetAddress address) {
        this.address = address;
        byte[] ip = address.getAddress();
        this.family = address instanceof Inet4Address ? AF_INET : AF_INET6;
        this.addressLength = family == AF_INET ? 16 : 28;
        this.sockaddr = Native.allocate(addressLength);
        this.sockaddrAddress = Native.address(sockaddr);
        this.localAddress = Native.allocate(32);
        this.localAddressAddress = Native.address(localAddress);
        this.callState = Native.allocate(Native.CALL_STATE_SIZE);
        // sockaddr_in / sockaddr_in6: family in host order (little-endian here), port big-endian
        Native.putByte(sockaddr, 0, (byte) family);
        int ipOffset = family == AF_INET ? 4 : 8;
        for (int i = 0; i < ip.length; i++) {
            Native.putByte(sockaddr, ipOffset + i, ip[i]);
        }
    }

    /**
     * Probes {@code port}: OPEN, CLOSED, or null when the outcome is not known at once (the
     * caller then probes it with the timeout).
     */
    PortState probe(int port) {
        try {
            if (fd < 0) {
                fd = (int) Native.SOCKET.invokeExact(family, SOCK_STREAM_NONBLOCK_CLOEXEC, 0);
                if (fd < 0) {
                    return null; // e.g. out of file descriptors: the ordinary probe reports it
                }
            }
            Native.putByte(sockaddr, 2, (byte) (port >>> 8));
            Native.putByte(sockaddr, 3, (byte) port);
            int errno = connect();
            if (errno == EINPROGRESS) {
                errno = connect(); // collects the outcome; a reset also makes the socket reusable
            }
            if (errno == ECONNREFUSED) {
                return PortState.CLOSED;
            }
            if (errno == 0 || errno == EISCONN) {
                boolean self = connectedToItself(port);
                closeSocket();
                return self ? PortState.CLOSED : PortState.OPEN;
            }
            closeSocket(); // EALREADY (no answer yet) or anything unusual
            return null;
        } catch (Throwable t) {
            closeSocket();
            return null;
        }
    }

    private int connect() throws Throwable {
        int r = (int) Native.CONNECT.invokeExact(callState, fd, sockaddrAddress, addressLength);
        return r == 0 ? 0 : Native.errno(callState);
    }

    /** A TCP simultaneous open with itself: the local port is the target port (the address is loopback too). */
    private boolean connectedToItself(int port) throws Throwable {
        Native.putInt(localAddress, 28, 28);
        int r = (int) Native.GETSOCKNAME.invokeExact(fd, localAddressAddress, localAddressAddress + 28);
        if (r != 0) {
            return false;
        }
        int localPort = (Native.getByte(localAddress, 2) & 0xff) << 8 | Native.getByte(localAddress, 3) & 0xff;
        return localPort == port;
    }

    private void closeSocket() {
        if (fd >= 0) {
            try {
                int ignored = (int) Native.CLOSE.invokeExact(fd);
            } catch (Throwable ignored) {
                // nothing to do: the descriptor is gone either way
            }
            fd = -1;
        }
    }

    @Override
    public void close() {
        closeSocket();
    }

    @Override
    public String toString() {
        return "LoopbackProbe[" + address.getHostAddress() + "]";
    }

    /** The linked functions; loading this class links them (once), {@link #LINKED} says whether it worked. */
    private static final class Native {
        static final boolean LINKED;
        static final MethodHandle SOCKET; // (int, int, int) int
        static final MethodHandle CONNECT; // (Object callState, int fd, long sockaddr, int len) int
        static final MethodHandle CLOSE; // (int) int
        static final MethodHandle GETSOCKNAME; // (int fd, long sockaddr, long lenPtr) int
        static final long CALL_STATE_SIZE;
        private static final MethodHandle ALLOCATE; // (long size) Object, 8-byte aligned, zeroed
        private static final MethodHandle ADDRESS; // (Object) long
        private static final MethodHandle SET_BYTE; // (Object, long, byte) void
        private static final MethodHandle GET_BYTE; // (Object, long) byte
        private static final MethodHandle SET_INT; // (Object, long, int) void
        private static final MethodHandle GET_INT; // (Object, long) int
        private static final long ERRNO_OFFSET;

        static {
            MethodHandle socket = null, connect = null, close = null, getsockname = null;
            MethodHandle allocate = null, address = null, setByte = null, getByte = null, setInt = null, getInt = null;
            long stateSize = 0, errnoOffset = 0;
            boolean linked = false;
            try {
                if (supportedPlatform()) {
                    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                    Class<?> linkerC = Class.forName("java.lang.foreign.Linker");
                    Class<?> optionC = Class.forName("java.lang.foreign.Linker$Option");
                    Class<?> segmentC = Class.forName("java.lang.foreign.MemorySegment");
                    Class<?> layoutC = Class.forName("java.lang.foreign.MemoryLayout");
                    Class<?> valueLayoutC = Class.forName("java.lang.foreign.ValueLayout");
                    Class<?> descriptorC = Class.forName("java.lang.foreign.FunctionDescriptor");
                    Class<?> lookupC = Class.forName("java.lang.foreign.SymbolLookup");
                    Class<?> arenaC = Class.forName("java.lang.foreign.Arena");
                    Class<?> allocatorC = Class.forName("java.lang.foreign.SegmentAllocator");
                    Class<?> ofByteC = Class.forName("java.lang.foreign.ValueLayout$OfByte");
                    Class<?> ofIntC = Class.forName("java.lang.foreign.ValueLayout$OfInt");
                    Class<?> pathC = Class.forName("java.lang.foreign.MemoryLayout$PathElement");

                    Object linker = linkerC.getMethod("nativeLinker").invoke(null);
                    Object libc = linkerC.getMethod("defaultLookup").invoke(linker);
                    Method find = lookupC.getMethod("find", String.class);
                    Object javaInt = valueLayoutC.getField("JAVA_INT").get(null);
                    Object javaLong = valueLayoutC.getField("JAVA_LONG").get(null);
                    Object javaByte = valueLayoutC.getField("JAVA_BYTE").get(null);
                    Method of = descriptorC.getMethod("of", layoutC, layoutC.arrayType());
                    Method downcall = linkerC.getMethod("downcallHandle", segmentC, descriptorC, optionC.arrayType());
                    Object noOptions = Array.newInstance(optionC, 0);
                    Object errnoOption = Array.newInstance(optionC, 1);
                    Array.set(errnoOption, 0, optionC.getMethod("captureCallState", String[].class)
                            .invoke(null, (Object) new String[] {"errno"}));

                    socket = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "socket"),
                            of.invoke(null, javaInt, layouts(layoutC, javaInt, javaInt, javaInt)), noOptions);
                    connect = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "connect"),
                            of.invoke(null, javaInt, layouts(layoutC, javaInt, javaLong, javaInt)), errnoOption);
                    connect = connect.asType(connect.type().changeParameterType(0, Object.class));
                    close = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "close"),
                            of.invoke(null, javaInt, layouts(layoutC, javaInt)), noOptions);
                    getsockname = (MethodHandle) downcall.invoke(linker, symbol(find, libc, "getsockname"),
                            of.invoke(null, javaInt, layouts(layoutC, javaInt, javaLong, javaLong)), noOptions);

                    Object stateLayout = optionC.getMethod("captureStateLayout").invoke(null);
                    stateSize = (long) layoutC.getMethod("byteSize").invoke(stateLayout);
                    Object errnoPath = Array.newInstance(pathC, 1);
                    Array.set(errnoPath, 0, pathC.getMethod("groupElement", String.class).invoke(null, "errno"));
                    errnoOffset = (long) layoutC.getMethod("byteOffset", pathC.arrayType()).invoke(stateLayout, errnoPath);

                    Object arena = arenaC.getMethod("ofAuto").invoke(null);
                    allocate = MethodHandles.insertArguments(lookup.findVirtual(allocatorC, "allocate",
                            MethodType.methodType(segmentC, long.class, long.class)).bindTo(arena), 1, 8L);
                    allocate = allocate.asType(MethodType.methodType(Object.class, long.class));
                    address = lookup.findVirtual(segmentC, "address", MethodType.methodType(long.class));
                    address = address.asType(MethodType.methodType(long.class, Object.class));
                    setByte = MethodHandles.insertArguments(lookup.findVirtual(segmentC, "set",
                            MethodType.methodType(void.class, ofByteC, long.class, byte.class)), 1, javaByte);
                    setByte = setByte.asType(MethodType.methodType(void.class, Object.class, long.class, byte.class));
                    getByte = MethodHandles.insertArguments(lookup.findVirtual(segmentC, "get",
                            MethodType.methodType(byte.class, ofByteC, long.class)), 1, javaByte);
                    getByte = getByte.asType(MethodType.methodType(byte.class, Object.class, long.class));
                    setInt = MethodHandles.insertArguments(lookup.findVirtual(segmentC, "set",
                            MethodType.methodType(void.class, ofIntC, long.class, int.class)), 1, javaInt);
                    setInt = setInt.asType(MethodType.methodType(void.class, Object.class, long.class, int.class));
                    getInt = MethodHandles.insertArguments(lookup.findVirtual(segmentC, "get",
                            MethodType.methodType(int.class, ofIntC, long.class)), 1, javaInt);
                    getInt = getInt.asType(MethodType.methodType(int.class, Object.class, long.class));
                    linked = true;
                }
            } catch (Throwable unavailable) {
                linked = false; // no FFM here (Java 21, restricted, other platform): the ordinary probe serves
            }
            LINKED = linked;
            SOCKET = socket;
            CONNECT = connect;
            CLOSE = close;
            GETSOCKNAME = getsockname;
            CALL_STATE_SIZE = stateSize;
            ALLOCATE = allocate;
            ADDRESS = address;
            SET_BYTE = setByte;
            GET_BYTE = getByte;
            SET_INT = setInt;
            GET_INT = getInt;
            ERRNO_OFFSET = errnoOffset;
        }

        private static boolean supportedPlatform() throws ReflectiveOperationException {
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
            if (!os.equals("linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                    || Runtime.version().feature() < 22) {
                return false;
            }
            // Without native access the JDK would print a warning on stderr: stay on the ordinary probe.
            Module module = LoopbackProbe.class.getModule();
            return (boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(module);
        }

        private static Object symbol(Method find, Object libc, String name) throws ReflectiveOperationException {
            return ((Optional<?>) find.invoke(libc, name)).orElseThrow(() -> new IllegalStateException("no " + name));
        }

        private static Object layouts(Class<?> layoutC, Object... layouts) {
            Object array = Array.newInstance(layoutC, layouts.length);
            for (int i = 0; i < layouts.length; i++) {
                Array.set(array, i, layouts[i]);
            }
            return array;
        }

        static Object allocate(long size) {
            try {
                return (Object) ALLOCATE.invokeExact(size);
            } catch (Throwable t) {
                throw new IllegalStateException("native memory", t);
            }
        }

        static long address(Object segment) {
            try {
                return (long) ADDRESS.invokeExact(segment);
            } catch (Throwable t) {
                throw new IllegalStateException("native memory", t);
            }
        }

        static void putByte(Object segment, long offset, byte value) {
            try {
                SET_BYTE.invokeExact(segment, offset, value);
            } catch (Throwable t) {
                throw new IllegalStateException("native memory", t);
            }
        }

        static byte getByte(Object segment, long offset) {
            try {
                return (byte) GET_BYTE.invokeExact(segment, offset);
            } catch (Throwable t) {
                throw new IllegalStateException("native memory", t);
            }
        }

        static void putInt(Object segment, long offset, int value) {
            try {
                SET_INT.invokeExact(segment, offset, value);
            } catch (Throwable t) {
                throw new IllegalStateException("native memory", t);
            }
        }

        static int errno(Object callState) {
            try {
                return (int) GET_INT.invokeExact(callState, ERRNO_OFFSET);
            } catch (Throwable t) {
                throw new IllegalStateException("native memory", t);
            }
        }
    }
}
