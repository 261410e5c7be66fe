package netkit.engine.scan;

/**
 * How the {@link PortScanner} checks one port when a bare TCP connect is not the whole check: a
 * port behind TLS is open when the handshake completed, a port behind a proxy when the proxy's
 * CONNECT succeeded. Called from many scan threads at once; a local failure that says nothing
 * about the port is thrown as a {@code NetkitException} and ends the scan.
 */
@FunctionalInterface
public interface PortProbe {
    PortState probe(int port);
}
