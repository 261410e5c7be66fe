/**
 * Stream connections and what runs over them, whatever the transport (TCP, Unix, TLS, proxied): the
 * {@link netkit.engine.tcp.Connector} that opens one, the {@link netkit.engine.tcp.Listener} that accepts them and
 * hands each to a {@link netkit.engine.tcp.ConnectionHandler} (the server modes: relay, echo, broker, exec, chat),
 * the {@link netkit.engine.tcp.Session} that relays one connection (two pumps and a join), and the policies and
 * events around them. Blocking I/O on virtual threads; platform threads only for bulk pumps.
 */
package netkit.engine.tcp;
