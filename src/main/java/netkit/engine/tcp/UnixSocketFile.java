package netkit.engine.tcp;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import netkit.NetkitException;

/**
 * The socket file of a Unix-domain listener and its life cycle (SPEC §11): bound only where no
 * server listens (exit 6 {@code EADDRINUSE}), a stale file left by a dead process replaced only when
 * asked ({@code --unlink}), never a file that is not a socket; {@code --mode} applied right after
 * the bind; removed when the listener stops, and by a shutdown hook on Ctrl-C and SIGTERM, but only
 * while the path still names the file this listener made (another server may have replaced it).
 */
final class UnixSocketFile implements Closeable {
    /** S_IFMT and S_IFSOCK of st_mode, as the JDK's "unix:mode" attribute reports them. */
    private static final int S_IFMT = 0170000;

    private static final int S_IFSOCK = 0140000;

    private final Path path;
    private final ServerSocketChannel channel;
    private final Object fileKey;
    private final Thread hook;
    private final AtomicBoolean removed = new AtomicBoolean();

    private UnixSocketFile(Path path, ServerSocketChannel channel, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.fileKey = fileKey;
        this.hook = new Thread(this::remove, "netkit-unix-socket-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Binds a listening channel at {@code unix.path()}; the returned file removes itself on close. */
    static UnixSocketFile bind(UnixListen unix, int backlog) {
        Path path = unix.path();
        String where = "bind " + path;
        clearTheWay(unix, where);
        // With --mode the socket is bound under a private name, given its mode and then renamed into
        // place, so no client ever sees it with the umask's looser permissions.
        Path staging = unix.mode() == null ? null : staging(path);
        ServerSocketChannel ch = null;
        try {
            ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            ch.bind(UnixDomainSocketAddress.of(staging != null ? staging : path), backlog);
            if (staging != null) {
                Files.setPosixFilePermissions(staging, unix.mode());
                Files.move(staging, path, StandardCopyOption.ATOMIC_MOVE);
            } else if (unix.mode() != null) {
                Files.setPosixFilePermissions(path, unix.mode());
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            if (staging != null) {
                deleteQuietly(staging);
            }
            throw mapped(e, where);
        }
        UnixSocketFile file;
        try {
            file = new UnixSocketFile(
                    path,
                    ch,
                    Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                            .fileKey());
        } catch (IOException e) {
            closeQuietly(ch);
            throw mapped(e, where);
        }
        return file;
    }

    /** A private name beside {@code path} (same file system, so the rename is atomic). */
    private static Path staging(Path path) {
        Path name = path.getFileName();
        Path tmp =
                path.resolveSibling("." + name + "." + ProcessHandle.current().pid() + ".tmp");
        // a Unix socket path holds at most 107 bytes: fall back to the name itself (chmod right after bind)
        return tmp.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 108 ? tmp : null;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // best effort
        }
    }

    /** Fails unless the path is free; removes a stale socket file when {@code --unlink} allows it. */
    private static void clearTheWay(UnixListen unix, String where) {
        Path path = unix.path();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!isSocket(path)) {
            throw NetkitException.bind(
                    "EADDRINUSE", where + ": the path exists and is not a socket (not removed)", null);
        }
        if (someoneListens(path)) {
            throw NetkitException.bind(
                    "EADDRINUSE", where + ": address already in use (a server is listening there)", null);
        }
        if (!unix.unlink()) {
            throw NetkitException.bind(
                    "EADDRINUSE",
                    where + ": a stale socket file is in the way (no server " + "listens there); --unlink replaces it",
                    null);
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw mapped(e, "--unlink " + path);
        }
    }

    private static boolean isSocket(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & S_IFMT) == S_IFSOCK;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean someoneListens(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
            // refused: a socket file nobody listens on; anything else (permission denied, …) is not ours to replace
            return !m.contains("refused");
        }
    }

    private static NetkitException mapped(Throwable e, String where) {
        String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (e instanceof NoSuchFileException || m.contains("no such file")) {
            return NetkitException.bind("ENOENT", where + ": no such directory", e);
        }
        if (m.contains("path too long") || m.contains("too long")) {
            return NetkitException.bind("EINVAL", where + ": path too long for a Unix socket (at most 107 bytes)", e);
        }
        return NetkitException.from(e, where);
    }

    /** The socket file's path (the channel may report the private name it was bound under). */
    Path path() {
        return path;
    }

    /** The bound, listening channel. */
    ServerSocketChannel channel() {
        return channel;
    }

    /** Removes the file if the path still names the socket this listener bound. Idempotent. */
    private void remove() {
        if (!removed.compareAndSet(false, true)) {
            return;
        }
        try {
            Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            if (Objects.equals(now, fileKey)) {
                Files.deleteIfExists(path);
            }
        } catch (IOException ignored) {
            // already gone, or not ours to remove any more
        }
    }

    /** Removes the socket file now and forgets the shutdown hook. */
    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // failed to bind anyway
            }
        }
    }
}
