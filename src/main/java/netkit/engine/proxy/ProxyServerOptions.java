package netkit.engine.proxy;

import java.time.Duration;

/**
 * How {@code tcp-listen --proxy} serves.
 *
 * @param user             with {@code password}: the only credentials accepted (SOCKS5 RFC 1929,
 *                         HTTP Basic); null = no authentication (SOCKS4 is then refused)
 * @param destinations     {@code --proxy-allow}/{@code --proxy-deny}
 * @param handshakeTimeout how long a client may take to send its request, and the bound of the
 *                         upstream connect
 * @param idleTimeout      close a tunnel when no byte moved either way for this long; null = never
 */
public record ProxyServerOptions(
        String user, String password, DestinationRules destinations, Duration handshakeTimeout, Duration idleTimeout) {

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    public static ProxyServerOptions open() {
        return new ProxyServerOptions(null, null, DestinationRules.OPEN, DEFAULT_HANDSHAKE_TIMEOUT, null);
    }

    public boolean authenticates() {
        return user != null;
    }

    /** Whether {@code u}/{@code p} are the configured credentials (compared in constant time). */
    boolean accepts(String u, String p) {
        return user != null
                && java.security.MessageDigest.isEqual(bytes(user), bytes(u))
                        & java.security.MessageDigest.isEqual(bytes(password), bytes(p));
    }

    private static byte[] bytes(String s) {
        return (s == null ? "" : s).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
