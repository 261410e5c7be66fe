/**
 * TLS as one more stream {@link netkit.engine.stream.Transport}: JSSE's {@code SSLEngine} over any
 * inner transport (TCP, Unix socket, proxy tunnel), so every mode of {@code tcp-connect} and
 * {@code tcp-listen} works over it unchanged (SPEC §13). {@link netkit.engine.tls.TlsLayer} is the
 * {@link netkit.engine.stream.TransportLayer} the connector and the listener apply;
 * {@link netkit.engine.tls.TlsSettings} is what the options ask for. Bouncy Castle is used here only
 * (PEM files, the ephemeral certificate), so nothing of it loads without {@code --tls}.
 */
package netkit.engine.tls;
