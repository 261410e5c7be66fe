package netkit.sys;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The few process-level system calls the JDK has no API for, through the FFM API: signals to a
 * whole process group ({@code kill(-pgid, sig)}), the descriptor limit, and keeping descriptor 0
 * taken (the native layer's process side, beside {@link Libc}). Linux and macOS; elsewhere (or without
 * native access) {@link #available} is false and
 * callers fall back to {@link ProcessHandle}.
 */
public final class Posix {
    private Posix() {}

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;

    private static final boolean LINUX = Os.LINUX;
    private static final int O_RDWR = 2;
    private static final int F_GETFD = 1;

    private static final MethodHandle KILL;
    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FCNTL;

    static {
        MethodHandle kill = null;
        MethodHandle open = null;
        MethodHandle close = null;
        MethodHandle fcntl = null;
        try {
            if (!Libc.AVAILABLE) {
                throw new UnsupportedOperationException(Libc.UNAVAILABLE_REASON); // no warning, no link: fall back
            }
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            ValueLayout.OfInt i = ValueLayout.JAVA_INT;
            kill = linker.downcallHandle(libc.find("kill").orElseThrow(), FunctionDescriptor.of(i, i, i));
            open = linker.downcallHandle(
                    libc.find("open").orElseThrow(),
                    FunctionDescriptor.of(i, ValueLayout.ADDRESS, i),
                    Linker.Option.firstVariadicArg(2));
            close = linker.downcallHandle(libc.find("close").orElseThrow(), FunctionDescriptor.of(i, i));
            fcntl = linker.downcallHandle(
                    libc.find("fcntl").orElseThrow(),
                    FunctionDescriptor.of(i, i, i),
                    Linker.Option.firstVariadicArg(2));
        } catch (RuntimeException | Error e) {
            kill = null; // no native access: the callers fall back
        }
        KILL = kill;
        OPEN = open;
        CLOSE = close;
        FCNTL = fcntl;
    }

    /** Whether signals can be sent to process groups here. */
    public static boolean available() {
        return KILL != null;
    }

    /**
     * {@code kill(pid, sig)}; a negative pid names a process group. True when the signal was sent
     * (some process of it exists); false when there is none (ESRCH) or it cannot be sent.
     */
    public static boolean kill(long pid, int sig) {
        if (KILL == null) {
            return false;
        }
        try {
            return (int) KILL.invokeExact((int) pid, sig) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Whether any process of group {@code pgid} is still there (signal 0 only asks). */
    public static boolean groupAlive(long pgid) {
        return kill(-pgid, 0);
    }

    /**
     * The JDK's {@code ProcessBuilder.start()} closes descriptor 0 when it runs out of descriptors
     * half way (JDK 17 and 25): the next socket or epoll descriptor then gets number 0 and the next
     * such failure closes it under its owner. After a failed start this takes descriptor 0 again
     * with /dev/null when it is free.
     */
    public static void keepFdZeroTaken() {
        if (FCNTL == null) {
            return;
        }
        try {
            if ((int) FCNTL.invokeExact(0, F_GETFD) != -1) {
                return; // still open
            }
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                int fd = (int) OPEN.invokeExact(arena.allocateFrom("/dev/null"), O_RDWR);
                if (fd > 0) {
                    int ignored = (int) CLOSE.invokeExact(fd); // 0 was taken meanwhile by someone else
                }
            }
        } catch (Throwable ignored) {
            // best effort
        }
    }

    /** The soft limit on open descriptors (RLIMIT_NOFILE), or -1 when unknown. */
    public static long fdLimit() {
        if (!LINUX) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft =
                            line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** The number of open descriptors of this process, or -1 when unknown (Linux: /proc/self/fd). */
    public static int openFds() {
        if (!LINUX) {
            return -1;
        }
        int n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path ignored : fds) {
                n++;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return n - 1; // the listing's own descriptor
    }
}
