package netkit.engine.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** The plain transport: a connected TCP or Unix-domain {@link SocketChannel}, bytes as they are. */
public final class SocketTransport implements Transport {
    private final SocketChannel channel;
    private final Endpoint local;
    private final Endpoint remote;

    public SocketTransport(SocketChannel channel) throws IOException {
        this(channel, null);
    }

    /**
     * @param unixPath for an accepted Unix-domain client, the listener's path: the client's own
     *                 address is unnamed, so events name the socket it came through instead
     */
    public SocketTransport(SocketChannel channel, Endpoint unixPath) throws IOException {
        this.channel = channel;
        Endpoint l = Endpoint.of(channel.getLocalAddress());
        Endpoint r = Endpoint.of(channel.getRemoteAddress());
        if (unixPath != null
                && r instanceof Endpoint.Unix u
                && u.path().toString().isEmpty()) {
            r = unixPath;
        }
        if (unixPath != null
                && l instanceof Endpoint.Unix u
                && u.path().toString().isEmpty()) {
            l = unixPath;
        }
        this.local = l;
        this.remote = r;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return channel.write(srcs);
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public Endpoint remoteEndpoint() {
        return remote;
    }

    @Override
    public SocketChannel socket() {
        return channel;
    }

    @Override
    public boolean plain() {
        return true;
    }

    @Override
    public String toString() {
        return "socket " + remote.text();
    }
}
