package netkit.engine.scan;

/**
 * Receives a scan's results in port-list order, as soon as each next port's outcome is known.
 * Calls come from the scanner's threads, but never two at a time.
 */
public interface ScanListener {
    /** The outcome of the next port in order. */
    void result(PortResult result);

    /**
     * A run of consecutive results has been delivered and the next port in order is still being
     * probed: a good moment to flush buffered output.
     */
    default void burstEnd() {}
}
