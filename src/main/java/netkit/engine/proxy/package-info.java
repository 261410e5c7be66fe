/**
 * Proxies. Client side: {@link netkit.engine.proxy.ProxyChain} turns {@code --proxy} URLs into one
 * {@link netkit.engine.stream.TransportLayer} whose hops (SOCKS5, SOCKS5h, SOCKS4, SOCKS4a, HTTP CONNECT) run
 * in order over the socket to the first proxy, so a later layer (TLS) is end to end inside the tunnel.
 * Server side: {@link netkit.engine.proxy.ProxyHandler} is {@code tcp-listen --proxy}'s server mode, with
 * bounded requests, a handshake timeout and destination rules checked after resolution; an open tunnel is an
 * {@link netkit.engine.tcp.Splice}. Refusals are in each protocol's own words; failures are exit 8.
 */
package netkit.engine.proxy;
