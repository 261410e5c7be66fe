package netkit.sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.Channel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Socket options the JDK has no portable name for (unicast TTL / hop limit, IPV6_V6ONLY on a
 * channel, SO_RCVBUFFORCE), set with {@code setsockopt} on the channel's descriptor through
 * {@link Libc}. Linux and macOS: the option numbers differ per OS and are listed here.
 */
public final class SocketOptions {
    private SocketOptions() {}

    /** A socket option: protocol level and option name for this OS. */
    public record Option(String name, int level, int option) {}

    /** IP_TTL: the TTL of unicast IPv4 datagrams (Node {@code setTTL}). */
    public static final Option IP_TTL = new Option("IP_TTL", 0, Os.LINUX ? 2 : 4);
    /** IPV6_UNICAST_HOPS: the hop limit of unicast IPv6 datagrams (Node {@code setTTL}). */
    public static final Option IPV6_UNICAST_HOPS = new Option("IPV6_UNICAST_HOPS", 41, Os.LINUX ? 16 : 4);
    /** IPV6_V6ONLY: an IPv6 socket that does not take IPv4 traffic (the JDK has no option for it). */
    public static final Option IPV6_V6ONLY = new Option("IPV6_V6ONLY", 41, Os.LINUX ? 26 : 27);
    /** SO_RCVBUFFORCE (Linux): a receive buffer above net.core.rmem_max, for a process with CAP_NET_ADMIN. */
    public static final Option SO_RCVBUFFORCE = new Option("SO_RCVBUFFORCE", 1, Os.LINUX ? 33 : -1);

    /**
     * Whether this process may use {@link #SO_RCVBUFFORCE}: Linux, and CAP_NET_ADMIN in the effective
     * set (read from /proc, so no native code is loaded to find out).
     */
    public static boolean canForceBuffers() {
        if (!Os.LINUX) {
            return false;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << 12)) != 0; // CAP_NET_ADMIN
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** Sets an int option; throws {@link UnsupportedOperationException} with a one-line reason when impossible. */
    public static void setInt(Channel channel, Option option, int value) {
        Libc.require("setsockopt " + option.name());
        int fd = Descriptors.fd(channel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            int rc = (int) Libc.SETSOCKOPT.invokeExact(state, fd, option.level(), option.option(), v, 4);
            if (rc != 0) {
                throw new UnsupportedOperationException(
                        "setsockopt " + option.name() + "=" + value + " failed: " + Libc.describe(Libc.errno(state)));
            }
        } catch (UnsupportedOperationException e) {
            throw e;
        } catch (Throwable t) {
            throw new UnsupportedOperationException("setsockopt " + option.name() + " failed: " + t);
        }
    }

    /** Reads an int option back ({@code getsockopt}). */
    public static int getInt(Channel channel, Option option) {
        Libc.require("getsockopt " + option.name());
        int fd = Descriptors.fd(channel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.newCallState(arena);
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 4);
            int rc = (int) Libc.GETSOCKOPT.invokeExact(state, fd, option.level(), option.option(), v, len);
            if (rc != 0) {
                throw new UnsupportedOperationException(
                        "getsockopt " + option.name() + " failed: " + Libc.describe(Libc.errno(state)));
            }
            return v.get(ValueLayout.JAVA_INT, 0);
        } catch (UnsupportedOperationException e) {
            throw e;
        } catch (Throwable t) {
            throw new UnsupportedOperationException("getsockopt " + option.name() + " failed: " + t);
        }
    }
}
