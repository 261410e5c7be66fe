package netkit.engine.scan;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener that never accepts and whose accept queue is full: Linux then drops every
 * further SYN, so a connect to it times out like one to a firewalled port ("filtered").
 */
public final class FullBacklogListener implements Closeable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    public FullBacklogListener() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // Backlog 1 admits two queued connections on Linux; connect until one is not answered.
        for (int i = 0; i < 16; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 250);
                fillers.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return;
            }
        }
        close();
        throw new IOException("the accept queue of a backlog-1 listener did not fill up");
    }

    public int port() {
        return server.getLocalPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}
