package netkit.engine.tcp;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Where a Unix-domain {@link Listener} makes its socket file (SPEC §11).
 *
 * @param path   the socket file's path
 * @param mode   permissions to give the file once bound ({@code --mode 660}); null = what the umask leaves
 * @param unlink replace a stale socket file (no server listening there) instead of failing ({@code --unlink})
 */
public record UnixListen(Path path, Set<PosixFilePermission> mode, boolean unlink) {}
