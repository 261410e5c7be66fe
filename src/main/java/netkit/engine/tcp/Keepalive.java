package netkit.engine.tcp;

import java.time.Duration;

/**
 * TCP keepalive (Node {@code setKeepAlive(true, initialDelay)}): first probe after {@code idle}, then
 * every {@code interval}, giving up after {@code count} unanswered probes. A null part keeps the
 * system default for it.
 */
public record Keepalive(Duration idle, Duration interval, Integer count) {
    /** Keepalive on, every timing left to the system. */
    public static final Keepalive SYSTEM_DEFAULTS = new Keepalive(null, null, null);
}
