/**
 * Datagrams: one {@link netkit.engine.udp.DatagramEndpoint} (Node's {@code dgram.Socket}) behind udp-send,
 * udp-listen, broadcast and multicast-join, the loops that send and receive over it, and the payload writer that
 * keeps a slow stdout from stalling the socket.
 */
package netkit.engine.udp;
