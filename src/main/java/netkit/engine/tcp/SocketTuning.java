package netkit.engine.tcp;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * Socket options applied to every connected socket: keepalive (null = off) and TCP_NODELAY.
 * Keepalive timings use {@link ExtendedSocketOptions} (whole seconds, at least 1).
 */
public record SocketTuning(Keepalive keepalive, boolean noDelay) {
    public static final SocketTuning NONE = new SocketTuning(null, false);

    void apply(NetworkChannel ch) throws IOException {
        if (noDelay) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        if (keepalive == null) {
            return;
        }
        ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (keepalive.idle() != null && ch.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            ch.setOption(
                    ExtendedSocketOptions.TCP_KEEPIDLE, seconds(keepalive.idle().toMillis()));
        }
        if (keepalive.interval() != null && ch.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPINTERVAL)) {
            ch.setOption(
                    ExtendedSocketOptions.TCP_KEEPINTERVAL,
                    seconds(keepalive.interval().toMillis()));
        }
        if (keepalive.count() != null && ch.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPCOUNT)) {
            ch.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, keepalive.count());
        }
    }

    private static int seconds(long millis) {
        return (int) Math.max(1, Math.min(32_767, (millis + 999) / 1000));
    }
}
