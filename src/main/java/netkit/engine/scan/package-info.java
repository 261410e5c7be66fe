/**
 * Port checks ({@code tcp-connect -z}): the concurrent {@link netkit.engine.scan.PortScanner} with in-order
 * delivery, the loopback fast probe over {@code netkit.sys}, and the {@link netkit.engine.scan.PortProbe} hook
 * through which a check runs over stream layers (TLS, proxies).
 */
package netkit.engine.scan;
