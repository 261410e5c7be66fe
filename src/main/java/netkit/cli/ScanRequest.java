package netkit.cli;

import java.net.InetAddress;
import java.time.Duration;

/**
 * A port scan as {@code tcp-connect -z} asks for it.
 *
 * @param host        HOST as the user wrote it (printed in every result line)
 * @param address     HOST resolved once, with the family options applied
 * @param ports       the ports to probe
 * @param timeout     the connect timeout of each probe (zero: none)
 * @param concurrency the most probes in flight at once
 * @param probe       how each port is checked when a bare connect is not the whole check (through --proxy, with
 *                    --tls), or null
 */
record ScanRequest(
        String host,
        InetAddress address,
        PortList ports,
        Duration timeout,
        int concurrency,
        netkit.engine.scan.PortProbe probe) {

    /** A scan of bare connects. */
    ScanRequest(String host, InetAddress address, PortList ports, Duration timeout, int concurrency) {
        this(host, address, ports, timeout, concurrency, null);
    }
}
