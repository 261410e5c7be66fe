package netkit.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import netkit.Stdio;
import netkit.engine.stream.SocketTransport;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.DataSink;
import netkit.engine.tcp.Relay;
import netkit.engine.tcp.SessionOptions;
import netkit.engine.tcp.Totals;
import netkit.engine.tcp.TrafficTap;
import netkit.sys.Descriptors;
import picocli.CommandLine.Command;

/**
 * The workload the launcher records into the JVM's AOT cache
 * once per build and JDK: it runs the commands a shell loop runs (help, isip, port checks against a
 * loopback listener of its own) in-process with output discarded, so their classes start pre-parsed
 * and pre-linked. Loopback only; every step is bounded.
 */
public final class AotTraining {
    private AotTraining() {}

    /**
     * Invocations of one fast-path pattern with sample values: a port check of an open and a closed loopback
     * port (never read: the backlog accepts), isip with valid, invalid and no arguments.
     */
    static List<String[]> samples(List<String> pattern, String openPort, String closedPort) {
        List<String[]> runs = new ArrayList<>();
        List<List<String>> values = switch (pattern.get(0)) {
            case "tcp-connect" ->
                List.of(
                        List.of("127.0.0.1", openPort),
                        List.of("127.0.0.1", closedPort),
                        List.of("127.0.0.1", openPort));
            case "isip" -> List.of(List.of("127.0.0.1", "::1", "x"), List.of());
            default -> List.of(List.of());
        };
        for (List<String> v : values) {
            List<String> args = new ArrayList<>();
            int next = 0;
            for (String word : pattern) {
                if (word.equals("VALUE...")) {
                    args.addAll(v.subList(next, v.size()));
                    next = v.size();
                } else if (word.equals("VALUE")) {
                    args.add(v.get(next++));
                } else {
                    args.add(word);
                }
            }
            runs.add(args.toArray(String[]::new));
        }
        return runs;
    }

    /**
     * Runs the workload of one archive kind: {@code fast}, the invocations {@link Netkit#runFast} serves
     * (kept small, because the JVM loads every archived class at start), or {@code full}, everything else.
     */
    public static void run(String kind) throws IOException {
        if (kind.equals("fast")) {
            Stdio.system(); // the real streams' classes, as Main creates them
            InetAddress lo = InetAddress.getLoopbackAddress();
            try (ServerSocket open = new ServerSocket(0, 64, lo)) {
                int closedPort;
                try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                    closedPort = s.getLocalPort();
                }
                // every invocation of the fast-path spec, with sample values: the one list the launcher reads too
                for (List<String> pattern : FastPath.PATTERNS) {
                    for (String[] args :
                            samples(pattern, String.valueOf(open.getLocalPort()), String.valueOf(closedPort))) {
                        Netkit.runFast(
                                Stdio.of(
                                        new ByteArrayInputStream("::1\n10.0.0.1\n".getBytes()),
                                        OutputStream.nullOutputStream(),
                                        new PrintStream(OutputStream.nullOutputStream())),
                                args);
                    }
                }
            }
            return;
        }
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket open = new ServerSocket(0, 64, lo)) {
            open.setSoTimeout(2000);
            int openPort = open.getLocalPort();
            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                closedPort = s.getLocalPort();
            }
            Thread acceptor = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 16; i++) {
                    try (Socket s = open.accept()) {
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            List<String[]> runs = new ArrayList<>();
            runs.add(new String[] {"--help"});
            runs.add(new String[] {"--version"});
            runs.add(new String[] {"--no-such-option"});
            for (Class<? extends BaseCommand> c : Netkit.COMMANDS) {
                runs.add(new String[] {c.getAnnotation(Command.class).name(), "--help"});
            }
            runs.add(new String[] {"isip", "127.0.0.1", "::1", "fe80::1%lo", "127.1"});
            runs.add(new String[] {"isip", "-v", "--json", "10.0.0.1"});
            runs.add(new String[] {"isip"}); // stdin bulk mode
            String lit = "127.0.0.1";
            runs.add(new String[] {"tcp-connect", "-z", lit, String.valueOf(openPort)});
            runs.add(new String[] {"tcp-connect", "-z", lit, String.valueOf(closedPort)});
            runs.add(new String[] {"tcp-connect", "-z", "-v", lit, openPort + "," + closedPort});
            runs.add(new String[] {"tcp-connect", "-z", "--json", lit, String.valueOf(openPort)});
            runs.add(null); // from here on, the scanner's loopback fast path as well (PortScanner)
            runs.add(new String[] {"tcp-connect", "-z", lit, String.valueOf(openPort)});
            runs.add(new String[] {"tcp-connect", "-z", lit, closedPort + "," + openPort});
            for (String[] args : runs) {
                if (args == null) {
                    System.setProperty("netkit.scan.loopbackProbe", "always");
                    continue;
                }
                PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
                Stdio stdio = Stdio.of(
                        new ByteArrayInputStream("127.0.0.1\n::1\nx\n".getBytes()),
                        OutputStream.nullOutputStream(),
                        nowhere);
                Netkit.commandLine(stdio, args).execute(args);
            }
            acceptor.interrupt();
        }
        tls();
        relay();
        forward();
    }

    /**
     * A TLS port check (client handshake, certificate and name checks, the JDK's trust store):
     * JSSE is a few thousand classes that a {@code tcp-connect --tls} would otherwise parse on
     * every start. The peer is a JDK TLS server with the ephemeral certificate; a failure only
     * makes the archive smaller.
     */
    private static void tls() {
        try {
            netkit.engine.tls.Pki.Identity id = netkit.engine.tls.Pki.get().selfSigned(List.of());
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(
                    "k", id.keys().getPrivate(), new char[0], new java.security.cert.Certificate[] {id.certificate()});
            javax.net.ssl.KeyManagerFactory kmf =
                    javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            java.nio.file.Path ca = java.nio.file.Files.createTempFile("netkit-aot", ".pem");
            java.nio.file.Files.writeString(
                    ca,
                    "-----BEGIN CERTIFICATE-----\n"
                            + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                                    .encodeToString(id.certificate().getEncoded())
                            + "\n-----END CERTIFICATE-----\n");
            try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket)
                    ctx.getServerSocketFactory().createServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
                server.setSoTimeout(5000);
                Thread acceptor = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 2; i++) {
                        try (Socket s = server.accept()) {
                            s.setSoTimeout(5000);
                            ((javax.net.ssl.SSLSocket) s).startHandshake();
                            s.getInputStream().read();
                        } catch (IOException e) {
                            // the client's -z closes at once; a timeout ends the training
                        }
                    }
                });
                String port = String.valueOf(server.getLocalPort());
                for (String[] args : List.of(
                        new String[] {"tcp-connect", "--tls", "-z", "--cafile", ca.toString(), "127.0.0.1", port},
                        new String[] {"tcp-connect", "--tls", "-z", "-v", "--insecure", "127.0.0.1", port})) {
                    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
                    Netkit.commandLine(
                                    Stdio.of(InputStream.nullInputStream(), OutputStream.nullOutputStream(), nowhere),
                                    args)
                            .execute(args);
                }
                acceptor.join(10_000);
            } finally {
                java.nio.file.Files.deleteIfExists(ca);
            }
        } catch (Exception | LinkageError e) {
            // no TLS classes in the archive, then
        }
    }

    /**
     * One connection through a forwarder ({@code tcp-listen --forward}, which ends after it) to an echo peer of
     * its own: the listener's accept path, the forwarder's pumps and their buffers start from the archive too
     * (a fresh forwarder otherwise loads and links them during its first transfer). Loopback only; every wait
     * is bounded, and a failure only makes the archive smaller.
     */
    private static void forward() {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel upstream = ServerSocketChannel.open()) {
            upstream.bind(new InetSocketAddress(lo, 0));
            Thread echo = echoPeer(upstream);
            int port;
            try (ServerSocket probe = new ServerSocket(0, 1, lo)) {
                port = probe.getLocalPort(); // free a moment ago: if taken meanwhile, this step is skipped
            }
            String[] args = {
                "tcp-listen",
                "127.0.0.1",
                String.valueOf(port),
                "--forward",
                "127.0.0.1:" + upstream.socket().getLocalPort()
            };
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
            Thread listener = Thread.ofVirtual()
                    .start(() -> Netkit.commandLine(
                                    Stdio.of(InputStream.nullInputStream(), OutputStream.nullOutputStream(), nowhere),
                                    args)
                            .execute(args));
            long deadline = System.nanoTime() + 3_000_000_000L;
            Socket client = null;
            while (client == null && System.nanoTime() < deadline && listener.isAlive()) {
                try {
                    client = new Socket(lo, port);
                } catch (IOException notYet) {
                    Thread.sleep(10); // the listener is binding: a bounded retry, training only
                }
            }
            if (client != null) {
                try (Socket c = client) {
                    c.setSoTimeout(3000);
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 16; i++) { // 1 MiB, a chunk and its echo at a time: no buffer fills
                        c.getOutputStream().write(chunk);
                        if (c.getInputStream().readNBytes(chunk, 0, chunk.length) < chunk.length) {
                            break;
                        }
                    }
                    c.shutdownOutput();
                    c.getInputStream().read(); // the forwarder's end
                }
            }
            listener.join(5000);
            echo.join(2000);
        } catch (IOException | RuntimeException | InterruptedException e) {
            // training is best effort: a cache without this part is still valid
        }
    }

    /** A virtual thread that accepts one connection on {@code server} and sends back what it reads. */
    private static Thread echoPeer(ServerSocketChannel server) {
        return Thread.ofVirtual().start(() -> {
            try (SocketChannel peer = server.accept()) {
                ByteBuffer b = ByteBuffer.allocate(64 * 1024);
                while (peer.read(b) >= 0) {
                    b.flip();
                    while (b.hasRemaining()) {
                        peer.write(b);
                    }
                    b.clear();
                }
            } catch (IOException ignored) {
                // training only
            }
        });
    }

    /**
     * A short zero-copy relay (a pipe → the socket → an echo peer → a pipe), so the classes of the
     * native calls, their linking and the relay's session start from the archive too.
     */
    private static void relay() {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread echo = echoPeer(server);
            Pipe in = Pipe.open();
            Pipe out = Pipe.open();
            in.sink().write(ByteBuffer.wrap(new byte[16384]));
            in.sink().close();
            SocketChannel ch = SocketChannel.open(server.getLocalAddress());
            Connection c = new Connection(1, new SocketTransport(ch), new Totals());
            Relay.run(
                    c,
                    in.source(),
                    Descriptors.fd(in.source()),
                    SessionOptions.defaults(),
                    DataSink.to(out.sink(), "a pipe", Descriptors.fd(out.sink())),
                    TrafficTap.NONE);
            echo.join(2000);
            out.sink().close();
            out.source().close();
            in.source().close();
        } catch (IOException | RuntimeException | InterruptedException e) {
            // training is best effort: a cache without this part is still valid
        }
    }
}
