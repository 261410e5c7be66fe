package netkit.engine.udp;

/**
 * Where an endpoint reports datagrams: received ones (to print, echo, or show in a REPL) and sent
 * ones (for {@code -v} and hex dumps). Called on the receiving or sending thread; implementations
 * that share state must be thread-safe.
 */
@FunctionalInterface
public interface DatagramSink {
    void accept(Datagram datagram);

    /** A sink that does nothing. */
    DatagramSink NONE = d -> {};
}
