package netkit.engine.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Map;

/**
 * A transport over another one that passes everything through unless it overrides it: the base of
 * every {@link TransportLayer}'s transport (TLS, a proxy tunnel). Its ends and its socket are the
 * inner transport's; a layer that changes the bytes overrides {@link #read}/{@link #write} and says
 * it is not {@link #plain}.
 */
public abstract class LayeredTransport implements Transport {
    protected final Transport inner;

    protected LayeredTransport(Transport inner) {
        this.inner = inner;
    }

    @Override
    public void handshake() throws IOException {
        inner.handshake();
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
        return inner.details();
    }
}
