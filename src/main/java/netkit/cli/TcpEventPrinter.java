package netkit.cli;

import java.util.Locale;
import netkit.NetkitException;
import netkit.engine.stream.Endpoint;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.TcpEvents;
import netkit.output.Json;
import netkit.output.Output;

/**
 * The TCP engine's events as {@code -v} lines or JSON events on stderr (SPEC §1, §3). With one
 * connection the lines are short ({@code closed: N bytes sent, …}); a listener that serves many
 * names the client and its id in each line.
 */
final class TcpEventPrinter implements TcpEvents {
    private final Output output;
    private final boolean many;

    TcpEventPrinter(Output output, boolean many) {
        this.output = output;
        this.many = many;
    }

    @Override
    public void listening(Endpoint local) {
        output.event(1, "listening on " + local.text(), address(Json.event("listening"), local));
    }

    @Override
    public void connected(Connection c) {
        Json json = address(Json.event("connected"), c.remote())
                .put("localAddress", c.local().address());
        if (c.local().port() >= 0) {
            json.put("localPort", c.local().port());
        }
        // through proxies the socket's peer is the first proxy: the line names the target and the chain
        Object via = c.transport().details().get("via");
        Object target = c.transport().details().get("target");
        if (via != null) {
            json.put("target", String.valueOf(target)).put("via", String.valueOf(via));
            output.event(1, "connected to " + target + " via " + via, json);
            return;
        }
        output.event(1, "connected to " + c.remote().text(), json);
    }

    @Override
    public void connection(Connection c, int open) {
        if (!output.enabled(1)) {
            return; // a hub accepting thousands of clients formats nothing nobody reads
        }
        String text = "connection from " + c.remote().text() + (many ? " (id " + c.id() + ", " + open + " open)" : "");
        output.event(
                1,
                text,
                address(Json.event("connection").put("id", c.id()), c.remote()).put("connections", open));
    }

    /** After a TLS handshake: {@code tls TLSv1.3 TLS_AES_128_GCM_SHA256, peer CN=…, alpn h2} (SPEC §13). */
    @Override
    public void handshaken(Connection c) {
        java.util.Map<String, Object> d = c.transport().details();
        if (!d.containsKey("protocol") || !output.enabled(1)) { // a TLS session: a proxy tunnel alone has details too
            return;
        }
        StringBuilder text = new StringBuilder("tls");
        if (many) {
            text.append(" ")
                    .append(c.remote().text())
                    .append(" (id ")
                    .append(c.id())
                    .append(")");
        }
        text.append(' ').append(netkit.output.TlsSummary.text(d));
        Json json = Json.event("tls");
        if (many) {
            json.put("id", c.id());
        }
        d.forEach(json::put);
        output.event(1, text.toString(), json);
    }

    @Override
    public void rejected(Endpoint remote, String reason) {
        if (!output.enabled(1)) {
            return;
        }
        output.event(
                1,
                "rejected " + remote.text() + ": " + reason,
                address(Json.event("rejected"), remote).put("reason", reason));
    }

    @Override
    public void closed(Connection c, Outcome outcome) {
        closed(c, outcome, null);
    }

    /** The close event of a proxy tunnel: {@code destination} is where the client asked to go (may be null). */
    void closed(Connection c, Outcome outcome, String destination) {
        if (!output.enabled(1)) {
            return;
        }
        long ms = (System.nanoTime() - c.startNanos()) / 1_000_000;
        String who = (many ? " " + c.remote().text() + " (id " + c.id() + ")" : "")
                + (destination == null ? "" : " -> " + destination);
        String why = switch (outcome.kind()) {
            case CLOSED -> "";
            case IDLE_TIMEOUT -> " (idle timeout)";
            case ERROR ->
                " (" + (outcome.error() == null ? "error" : outcome.error().getMessage()) + ")";
        };
        Connection up = outcome.upstream();
        // --forward-tls: the upstream's TLS session is only seen here (the clients' is the tls event)
        java.util.Map<String, Object> upTls =
                up == null ? java.util.Map.of() : up.transport().details();
        String upstream = up == null
                ? ""
                : String.format(
                        Locale.ROOT,
                        "; upstream %s%s: %d bytes sent, %d bytes received",
                        up.remote().text(),
                        upTls.containsKey("protocol") ? " over " + upTls.get("protocol") : "",
                        up.bytesWritten(),
                        up.bytesRead());
        String text = String.format(
                Locale.ROOT,
                "closed%s: %d bytes sent, %d bytes received%s in %.2f s%s",
                who,
                c.bytesWritten(),
                c.bytesRead(),
                upstream,
                ms / 1000.0,
                why);
        Json json = Json.event("close").put("id", c.id());
        if (destination != null) {
            json.put("destination", destination);
        }
        json.put("bytesRead", c.bytesRead())
                .put("bytesWritten", c.bytesWritten())
                .put("ms", ms)
                .put("hadError", outcome.hadError());
        if (up != null) {
            Json upJson = address(Json.object(), up.remote())
                    .put("bytesRead", up.bytesRead())
                    .put("bytesWritten", up.bytesWritten());
            if (upTls.containsKey("protocol")) {
                Json tls = Json.object();
                upTls.forEach(tls::put);
                upJson.put("tls", tls);
            }
            json.put("upstream", upJson);
        }
        if (outcome.error() instanceof NetkitException e) {
            json.put("code", e.code()).put("message", e.getMessage());
        } else if (outcome.error() != null && destination != null) {
            json.put("code", "EIO")
                    .put("message", String.valueOf(outcome.error().getMessage()));
        }
        output.event(1, text, json);
    }

    @Override
    public void warning(String text) {
        output.warn(text);
    }

    private static Json address(Json j, Endpoint a) {
        j.put("address", a.address());
        if (a.port() >= 0) {
            j.put("port", a.port());
        }
        return j.put("family", a.family());
    }
}
