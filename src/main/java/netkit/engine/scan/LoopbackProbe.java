package netkit.engine.scan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Locale;
import netkit.sys.Libc;
import netkit.sys.Os;

/**
 * The fast probe for loopback targets: plain {@code socket}/{@code connect}/{@code close} calls
 * through {@link Libc}, one socket reused for every refused port.
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
 * <p>Available on Linux (x86-64, AArch64) when {@link Libc} is; {@link #available()} says so.
 */
final class LoopbackProbe implements AutoCloseable {
    // Linux errno values (the same on x86-64 and AArch64)
    private static final int EISCONN = 106;
    private static final int ECONNREFUSED = 111;
    private static final int EINPROGRESS = 115;
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_STREAM_NONBLOCK_CLOEXEC = 1 | 0x800 | 0x80000;

    private final InetAddress address;
    private final int family;
    private final int addressLength;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment sockaddr;
    private final MemorySegment localAddress; // getsockname's result, its length at offset 28
    private final MemorySegment callState; // errno captured by connect
    private int fd = -1;

    /** Whether the fast probe can be used in this JVM. */
    static boolean available() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return Os.LINUX && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64")) && Libc.AVAILABLE;
    }

    /** A probe of {@code address} (a loopback address) for one thread; close it when done, on that thread. */
    LoopbackProbe(InetAddress address) {
        this.address = address;
        byte[] ip = address.getAddress();
        this.family = address instanceof Inet4Address ? AF_INET : AF_INET6;
        this.addressLength = family == AF_INET ? 16 : 28;
        this.sockaddr = arena.allocate(addressLength, 8);
        this.localAddress = arena.allocate(32, 8);
        this.callState = Libc.newCallState(arena);
        // sockaddr_in / sockaddr_in6: family in host order (little-endian here), port big-endian
        sockaddr.set(ValueLayout.JAVA_BYTE, 0, (byte) family);
        int ipOffset = family == AF_INET ? 4 : 8;
        for (int i = 0; i < ip.length; i++) {
            sockaddr.set(ValueLayout.JAVA_BYTE, ipOffset + i, ip[i]);
        }
    }

    /**
     * Probes {@code port}: OPEN, CLOSED, or null when the outcome is not known at once (the
     * caller then probes it with the timeout).
     */
    PortState probe(int port) {
        try {
            if (fd < 0) {
                fd = (int) Libc.SOCKET.invokeExact(family, SOCK_STREAM_NONBLOCK_CLOEXEC, 0);
                if (fd < 0) {
                    return null; // e.g. out of file descriptors: the ordinary probe reports it
                }
            }
            sockaddr.set(ValueLayout.JAVA_BYTE, 2, (byte) (port >>> 8));
            sockaddr.set(ValueLayout.JAVA_BYTE, 3, (byte) port);
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
        int r = (int) Libc.CONNECT.invokeExact(callState, fd, sockaddr, addressLength);
        return r == 0 ? 0 : Libc.errno(callState);
    }

    /** A TCP simultaneous open with itself: the local port is the target port (the address is loopback too). */
    private boolean connectedToItself(int port) throws Throwable {
        localAddress.set(ValueLayout.JAVA_INT, 28, 28);
        int r = (int) Libc.GETSOCKNAME.invokeExact(fd, localAddress, localAddress.asSlice(28));
        if (r != 0) {
            return false;
        }
        int localPort = (localAddress.get(ValueLayout.JAVA_BYTE, 2) & 0xff) << 8
                | localAddress.get(ValueLayout.JAVA_BYTE, 3) & 0xff;
        return localPort == port;
    }

    private void closeSocket() {
        if (fd >= 0) {
            try {
                int ignored = (int) Libc.CLOSE.invokeExact(fd);
            } catch (Throwable ignored) {
                // nothing to do: the descriptor is gone either way
            }
            fd = -1;
        }
    }

    @Override
    public void close() {
        closeSocket();
        arena.close();
    }

    @Override
    public String toString() {
        return "LoopbackProbe[" + address.getHostAddress() + "]";
    }
}
