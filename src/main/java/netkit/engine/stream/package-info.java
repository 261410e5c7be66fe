/**
 * The stream transport abstraction every connection-oriented mode runs on: a {@link netkit.engine.stream.Transport}
 * (read, write, half-close, close, endpoints, an optional handshake), its plain implementation over a TCP or Unix
 * socket, {@link netkit.engine.stream.TransportLayer}s that wrap one transport in another (TLS, proxy hops), and
 * the value types that name where a stream goes ({@link netkit.engine.stream.Target}) and what its ends are
 * ({@link netkit.engine.stream.Endpoint}). Knows nothing of picocli, JLine or output formats.
 */
package netkit.engine.stream;
