package netkit.cli;

import java.time.Duration;
import java.util.List;
import netkit.NetkitException;
import netkit.engine.proxy.DestinationRules;
import netkit.engine.proxy.ProxyHandler;
import netkit.engine.proxy.ProxyServerOptions;
import netkit.engine.stream.Endpoint;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.TcpEvents;
import netkit.output.Output;

/**
 * {@code tcp-listen --proxy}: its options turned into {@link ProxyServerOptions}, the handler, and the
 * listener's events with each tunnel's destination in its close event.
 */
final class ProxyMode {
    private final ProxyHandler handler;
    private final TcpEventPrinter printer;
    private final Output output;
    private final boolean open;

    ProxyMode(TcpListenCommand c, TcpEventPrinter printer, Output output) {
        String user = null;
        String password = null;
        if (c.proxyAuth != null) {
            int colon = c.proxyAuth.indexOf(':');
            if (colon <= 0) {
                throw NetkitException.invalidValue(
                        "--proxy-auth", c.proxyAuth.replaceAll(":.*", ":***"), "expected USER:PASS");
            }
            user = c.proxyAuth.substring(0, colon);
            password = c.proxyAuth.substring(colon + 1);
            if (user.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255
                    || password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                throw NetkitException.invalidValue("--proxy-auth", user + ":***", "at most 255 bytes each (SOCKS5)");
            }
        }
        Duration timeout = c.proxyTimeout == null || c.proxyTimeout.isZero()
                ? ProxyServerOptions.DEFAULT_HANDSHAKE_TIMEOUT
                : c.proxyTimeout;
        Duration idle = c.session.idleTimeout == null || c.session.idleTimeout.isZero() ? null : c.session.idleTimeout;
        this.handler = new ProxyHandler(new ProxyServerOptions(
                user,
                password,
                new DestinationRules(List.copyOf(c.proxyAllow), List.copyOf(c.proxyDeny)),
                timeout,
                idle));
        this.printer = printer;
        this.output = output;
        this.open = c.allow.isEmpty();
    }

    /**
     * Usage errors: proxy options without --proxy. (Relay options with --proxy are {@link ServerMode}'s
     * table, checked before.)
     */
    static void check(TcpListenCommand c, boolean proxy) {
        if (!proxy) {
            String stray = c.proxyAuth != null
                    ? "--proxy-auth"
                    : !c.proxyAllow.isEmpty()
                            ? "--proxy-allow"
                            : !c.proxyDeny.isEmpty()
                                    ? "--proxy-deny"
                                    : c.proxyTimeout != null ? "--proxy-timeout" : null;
            if (stray != null) {
                throw NetkitException.usage(stray + " needs --proxy");
            }
        }
    }

    ProxyHandler handler() {
        return handler;
    }

    /** The listener's events: as the printer's, with the destination in each close event. */
    TcpEvents events() {
        return new TcpEvents() {
            @Override
            public void listening(Endpoint local) {
                printer.listening(local);
                warnIfOpen(local);
            }

            @Override
            public void connection(Connection connection, int openCount) {
                printer.connection(connection, openCount);
            }

            @Override
            public void rejected(Endpoint remote, String reason) {
                printer.rejected(remote, reason);
            }

            @Override
            public void closed(Connection connection, Outcome outcome) {
                printer.closed(connection, outcome, handler.destination(connection.id()));
            }

            @Override
            public void warning(String text) {
                printer.warning(text);
            }
        };
    }

    /** A proxy anyone can reach is an open relay: say so once, after the listening line. */
    private void warnIfOpen(Endpoint local) {
        java.net.InetAddress a = local.inetAddress();
        if (open && a != null && !a.isLoopbackAddress()) {
            output.warn("--proxy on " + local.text() + " without --allow: anyone who can reach it may "
                    + "connect through it (restrict with --allow CIDR and --proxy-allow/--proxy-deny)");
        }
    }
}
