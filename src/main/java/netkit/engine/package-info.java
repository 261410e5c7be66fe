/**
 * The engine: sockets, relays, servers, timeouts — everything that moves bytes, with no picocli, JLine or
 * output format in it. {@code stream} is the transport abstraction, {@code tcp} the connections over it and the
 * server modes, {@code tls} and {@code proxy} the layers, {@code udp} datagrams, {@code chat} the chat room and
 * {@code scan} port checks.
 */
package netkit.engine;
