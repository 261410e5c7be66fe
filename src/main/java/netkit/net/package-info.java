/**
 * Pure functions about addresses: IP literal recognition with Node's {@code net.isIP} rules, address kinds,
 * CIDR blocks and how addresses are written. No I/O, no DNS.
 */
package netkit.net;
