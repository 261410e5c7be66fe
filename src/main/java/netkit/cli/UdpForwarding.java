package netkit.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import netkit.ExitCode;
import netkit.NetkitException;
import netkit.engine.udp.Counters;
import netkit.engine.udp.DatagramEndpoint;
import netkit.engine.udp.UdpForwardEvents;
import netkit.engine.udp.UdpForwarder;
import netkit.net.AddressFormat;
import netkit.output.Json;
import netkit.output.Output;

/** {@code udp-listen --forward}: runs the engine's {@link UdpForwarder} and prints its events. */
final class UdpForwarding {
    /** How long a client mapping lives without a datagram either way, unless -i says otherwise. */
    static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);

    private UdpForwarding() {}

    static ExitCode run(
            DatagramEndpoint endpoint,
            InetSocketAddress upstream,
            Duration idle,
            int maxMappings,
            Output output,
            Consumer<DatagramEndpoint> listening)
            throws IOException {
        try (UdpForwarder forwarder =
                new UdpForwarder(endpoint, upstream, idle, maxMappings, new Printer(output, upstream))) {
            listening.accept(endpoint);
            output.event(
                    1,
                    "forwarding to " + AddressFormat.hostPort(upstream) + " (mappings expire after "
                            + netkit.output.Durations.text(idle) + " idle)",
                    address(Json.event("forwarding"), upstream).put("idleMs", idle.toMillis()));
            forwarder.run();
        } catch (IOException | RuntimeException e) {
            throw NetkitException.from(e, "receive");
        }
        return ExitCode.OK;
    }

    private static Json address(Json j, InetSocketAddress a) {
        return j.put("address", AddressFormat.text(a.getAddress()))
                .put("port", a.getPort())
                .put("family", AddressFormat.family(a.getAddress()));
    }

    /** The forwarder's events as {@code -v} lines or JSON on stderr. */
    private record Printer(Output output, InetSocketAddress upstream) implements UdpForwardEvents {
        @Override
        public void mapped(InetSocketAddress client, InetSocketAddress via, int open) {
            output.event(
                    1,
                    "mapping " + AddressFormat.hostPort(client) + " via " + AddressFormat.hostPort(via) + " (" + open
                            + " open)",
                    address(Json.event("mapping"), client)
                            .put("localPort", via.getPort())
                            .put("mappings", open));
        }

        @Override
        public void rejected(InetSocketAddress client, String reason) {
            output.event(
                    1,
                    "rejected " + AddressFormat.hostPort(client) + ": " + reason,
                    address(Json.event("rejected"), client).put("reason", reason));
        }

        @Override
        public void closed(InetSocketAddress client, Counters up, long ms, boolean idle, Throwable error) {
            String why = idle ? " (idle)" : error != null ? " (" + error.getMessage() + ")" : "";
            String text = String.format(
                    Locale.ROOT,
                    "closed %s: %d datagrams (%d bytes) forwarded, %d datagrams " + "(%d bytes) back in %.2f s%s",
                    AddressFormat.hostPort(client),
                    up.datagramsSent(),
                    up.bytesWritten(),
                    up.datagramsReceived(),
                    up.bytesRead(),
                    ms / 1000.0,
                    why);
            Json json = address(Json.event("close"), client)
                    .put("datagramsForwarded", up.datagramsSent())
                    .put("bytesForwarded", up.bytesWritten())
                    .put("datagramsBack", up.datagramsReceived())
                    .put("bytesBack", up.bytesRead())
                    .put("ms", ms)
                    .put("idle", idle)
                    .put("hadError", error != null);
            if (error instanceof NetkitException n) {
                json.put("code", n.code());
            }
            output.event(1, text, json);
        }
    }
}
