/**
 * The native layer: the only package that links C functions (FFM, {@link netkit.sys.Libc}) or reaches a
 * JDK internal (a channel's file descriptor, {@link netkit.sys.Descriptors}). Everything else that needs
 * the operating system beyond the JDK's API goes through here: socket options without a portable name
 * ({@link netkit.sys.SocketOptions}), the loopback scan probe, zero-copy paths.
 */
package netkit.sys;
