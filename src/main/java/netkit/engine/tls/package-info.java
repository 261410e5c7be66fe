/**
 * TLS as one more stream {@link netkit.engine.stream.Transport}: JSSE's {@code SSLEngine} over any
 * inner transport (TCP, Unix socket, proxy tunnel), so every mode of {@code tcp-connect} and
 * {@code tcp-listen} works over it unchanged (SPEC §13). {@link netkit.engine.tls.TlsLayer} is the
 * {@link netkit.engine.stream.TransportLayer} the connector and the listener apply;
 * {@link netkit.engine.tls.TlsSettings} is what the options ask for. Bouncy Castle is used only through
 * {@link netkit.engine.tls.Pki} (PEM files, the ephemeral certificate), loaded on first use.
 */
package netkit.engine.tls;
