package netkit.engine.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import netkit.engine.stream.Endpoint;
import netkit.engine.stream.Transport;

/**
 * The stream to the final target once every proxy hop said yes: the first proxy's socket, whose
 * bytes are now the target's. It adds nothing on the wire, so it is as plain as the socket under it
 * (zero-copy paths stay open); the ends it reports are the socket's (the first proxy's address),
 * and {@link #details} names the chain.
 */
final class TunnelTransport implements Transport {
    private final Transport inner;
    private final String via;
    private final String target;

    TunnelTransport(Transport inner, String via, String target) {
        this.inner = inner;
        this.via = via;
        this.target = target;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return inner.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return inner.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return inner.write(srcs);
    }

    @Override
    public void shutdownOutput() throws IOException {
        inner.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }

    @Override
    public Endpoint localEndpoint() {
        return inner.localEndpoint();
    }

    @Override
    public Endpoint remoteEndpoint() {
        return inner.remoteEndpoint();
    }

    @Override
    public SocketChannel socket() {
        return inner.socket();
    }

    @Override
    public boolean plain() {
        return inner.plain();
    }

    @Override
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>(inner.details());
        d.put("target", target);
        d.put("via", via);
        return d;
    }

    @Override
    public String toString() {
        return "tunnel to " + target + " via " + via;
    }
}
