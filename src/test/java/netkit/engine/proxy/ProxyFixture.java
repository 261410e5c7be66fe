package netkit.engine.proxy;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import netkit.engine.stream.Target;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.ConnectionHandler;
import netkit.engine.tcp.Connector;
import netkit.engine.tcp.EchoHandler;
import netkit.engine.tcp.ListenOptions;
import netkit.engine.tcp.Listener;
import netkit.engine.tcp.Outcome;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.SocketTuning;
import netkit.engine.tcp.TcpEvents;
import netkit.engine.tcp.Totals;
import netkit.engine.tcp.TrafficTap;
import netkit.net.Family;

/** Loopback servers for proxy tests: netkit's proxy, an echo target, and scripted fake proxies. */
final class ProxyFixture {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ProxyFixture() {}

    /** A running listener on 127.0.0.1:0 with {@code handler}, serving any number of clients. */
    static final class Server implements Closeable {
        final Listener listener;
        final BlockingQueue<Outcome> closed = new LinkedBlockingQueue<>();
        final Thread thread;

        Server(ConnectionHandler handler) {
            ListenOptions o = ListenOptions.builder()
                    .address(InetAddress.getLoopbackAddress())
                    .port(0)
                    .keepOpen(true)
                    .build();
            listener = Listener.bind(
                    o,
                    new TcpEvents() {
                        @Override
                        public void closed(Connection connection, Outcome outcome) {
                            closed.add(outcome);
                        }
                    },
                    new Totals());
            thread = Thread.ofVirtual().start(() -> listener.serve(handler));
        }

        int port() {
            return listener.local().port();
        }

        @Override
        public void close() {
            listener.close();
        }
    }

    static Server proxy(ProxyServerOptions options) {
        return new Server(new ProxyHandler(options));
    }

    static Server proxy() {
        return proxy(ProxyServerOptions.open());
    }

    static Server echo() {
        return new Server(new EchoHandler(
                new SessionOptions(
                        null,
                        netkit.engine.tcp.StdinEofPolicy.SHUTDOWN,
                        null,
                        true,
                        netkit.engine.tcp.Traffic.BOTH,
                        false),
                TrafficTap.NONE));
    }

    /** A connector to {@code host:port} through {@code urls}. */
    static Connector through(String host, int port, Duration timeout, String... urls) {
        List<ProxyUrl> hops = java.util.Arrays.stream(urls)
                .map(u -> ProxyUrl.parse(u, "--proxy"))
                .toList();
        ProxyChain chain = new ProxyChain(hops, timeout, Family.ANY);
        return new Connector(
                chain.first(), Family.ANY, null, 0, timeout, SocketTuning.NONE, chain, new Target.HostPort(host, port));
    }

    /**
     * A fake proxy: accepts one client, reads {@code requestBytes} bytes (or nothing when 0), writes
     * {@code reply} (or nothing when null) and keeps the socket open until closed.
     */
    static final class Fake implements Closeable {
        final ServerSocket server;
        final Thread thread;

        Fake(int requestBytes, byte[] reply) throws IOException {
            server = new ServerSocket();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            thread = Thread.ofVirtual().start(() -> {
                try (Socket s = server.accept()) {
                    s.getInputStream().readNBytes(requestBytes);
                    if (reply != null) {
                        s.getOutputStream().write(reply);
                        s.getOutputStream().flush();
                    }
                    while (s.getInputStream().read() >= 0) {
                        // hold until the client goes
                    }
                } catch (IOException ignored) {
                    // test over
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            thread.interrupt();
        }
    }
}
