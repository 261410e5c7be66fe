package netkit.cli;

import java.time.Duration;
import netkit.engine.tcp.Keepalive;
import picocli.CommandLine.Option;

/** {@code --keepalive[=DELAY]}, {@code --keepalive-interval}, {@code --keepalive-count}: Node {@code setKeepAlive}. */
public final class KeepaliveOptions {
    @Option(
            names = "--keepalive",
            arity = "0..1",
            paramLabel = "DELAY",
            fallbackValue = "0",
            preprocessor = OptionalValue.class,
            converter = Converters.DurationConverter.class,
            description = "Turn on TCP keepalive; the first probe goes out after DELAY without traffic "
                    + "(Node setKeepAlive(true, initialDelay)). Without =DELAY the system's delay applies "
                    + "(Linux: 2 hours). Off by default.")
    Duration delay;

    @Option(
            names = "--keepalive-interval",
            paramLabel = "DUR",
            converter = Converters.DurationConverter.class,
            description = "Time between keepalive probes (implies --keepalive). Default: the system's (Linux: 75s).")
    Duration interval;

    @Option(
            names = "--keepalive-count",
            paramLabel = "N",
            converter = Converters.PositiveIntConverter.class,
            description = "Unanswered probes before the connection is dropped (implies --keepalive). "
                    + "Default: the system's (Linux: 9).")
    Integer count;

    /** The keepalive asked for, or null when it stays off. */
    Keepalive keepalive() {
        if (delay == null && interval == null && count == null) {
            return null;
        }
        return new Keepalive(delay == null || delay.isZero() ? null : delay, interval, count);
    }
}
