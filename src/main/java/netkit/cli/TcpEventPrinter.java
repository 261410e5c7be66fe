package netkit.cli;

import java.net.InetSocketAddress;
import java.util.Locale;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.TcpEvents;
import netkit.net.AddressFormat;
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
    public void listening(InetSocketAddress local) {
        output.event(1, "listening on " + AddressFormat.hostPort(local), address(Json.event("listening"), local));
    }

    @Override
    public void connected(Connection c) {
        output.event(1, "connected to " + AddressFormat.hostPort(c.remoteAddress()),
                address(Json.event("connected"), c.remoteAddress())
                        .put("localAddress", AddressFormat.text(c.localAddress().getAddress()))
                        .put("localPort", c.localAddress().getPort()));
    }

    @Override
    public void connection(Connection c, int open) {
        String text = "connection from " + AddressFormat.hostPort(c.remoteAddress())
                + (many ? " (id " + c.id() + ", " + open + " open)" : "");
        output.event(1, text, address(Json.event("connection").put("id", c.id()), c.remoteAddress())
                .put("connections", open));
    }

    @Override
    public void rejected(InetSocketAddress remote, String reason) {
        output.event(1, "rejected " + AddressFormat.hostPort(remote) + ": " + reason,
                address(Json.event("rejected"), remote).put("reason", reason));
    }

    @Override
    public void closed(Connection c, Outcome outcome) {
        long ms = (System.nanoTime() - c.startNanos()) / 1_000_000;
        String who = many ? " " + AddressFormat.hostPort(c.remoteAddress()) + " (id " + c.id() + ")" : "";
        String why = switch (outcome.kind()) {
            case CLOSED -> "";
            case IDLE_TIMEOUT -> " (idle timeout)";
            case ERROR -> " (" + (outcome.error() == null ? "error" : outcome.error().getMessage()) + ")";
        };
        String text = String.format(Locale.ROOT, "closed%s: %d bytes sent, %d bytes received in %.2f s%s",
                who, c.bytesWritten(), c.bytesRead(), ms / 1000.0, why);
        output.event(1, text, Json.event("close").put("id", c.id()).put("bytesRead", c.bytesRead())
                .put("bytesWritten", c.bytesWritten()).put("ms", ms).put("hadError", outcome.hadError()));
    }

    @Override
    public void warning(String text) {
        output.warn(text);
    }

    private static Json address(Json j, InetSocketAddress a) {
        return j.put("address", AddressFormat.text(a.getAddress())).put("port", a.getPort())
                .put("family", AddressFormat.family(a.getAddress()));
    }
}
