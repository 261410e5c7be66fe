package netkit.engine.scan;

/**
 * The outcome of probing one port.
 *
 * @param port  the port probed
 * @param state open, closed or filtered
 * @param nanos how long the probe took, from the start of the connect to its outcome
 */
public record PortResult(int port, PortState state, long nanos) {
    /** The probe's duration in milliseconds, to the microsecond. */
    public double millis() {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
