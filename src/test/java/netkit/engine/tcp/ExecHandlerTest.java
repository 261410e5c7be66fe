package netkit.engine.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code -e} on its own: the child between a client and the socket, its environment, a start failure. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecHandlerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Serves one client with {@code handler}; the close events go to {@code closed}. */
    private static Listener serveOne(ConnectionHandler handler, BlockingQueue<Outcome> closed) {
        Listener l = Listener.bind(
                ListenOptions.builder().address(LOOPBACK).port(0).build(),
                new TcpEvents() {
                    @Override
                    public void closed(Connection connection, Outcome outcome) {
                        closed.add(outcome);
                    }
                },
                new Totals());
        Thread.ofVirtual().start(() -> l.serve(handler));
        return l;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void theChildGetsTheClientsBytesAndEverythingItWritesAfterTheClientsFinReachesTheClient() throws Exception {
        byte[] payload = new byte[3 << 20];
        new Random(7).nextBytes(payload);
        BlockingQueue<Outcome> closed = new LinkedBlockingQueue<>();
        try (Listener l = serveOne(
                        new ExecHandler(List.of("cat"), OutputStream.nullOutputStream(), TrafficTap.NONE, null),
                        closed);
                Socket s = new Socket(LOOPBACK, l.local().port())) {
            CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = s.getInputStream()) {
                    return in.readAllBytes();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            s.getOutputStream().write(payload);
            s.shutdownOutput(); // cat sees EOF, and its last bytes still arrive before our EOF
            assertEquals(sha256(payload), sha256(echoed.get(30, TimeUnit.SECONDS)));
            Outcome o = closed.poll(30, TimeUnit.SECONDS);
            assertNotNull(o);
            assertEquals(Outcome.Kind.CLOSED, o.kind());
        }
    }

    @Test
    void theChildKnowsBothEndsOfTheConnection() throws Exception {
        BlockingQueue<Outcome> closed = new LinkedBlockingQueue<>();
        List<String> sh = List.of(
                "/bin/sh",
                "-c",
                "echo \"$NETKIT_REMOTE_ADDR $NETKIT_REMOTE_PORT $NETKIT_LOCAL_ADDR $NETKIT_LOCAL_PORT\"");
        try (Listener l =
                        serveOne(new ExecHandler(sh, OutputStream.nullOutputStream(), TrafficTap.NONE, null), closed);
                Socket s = new Socket(LOOPBACK, l.local().port())) {
            String line = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            assertEquals(
                    "127.0.0.1 " + s.getLocalPort() + " 127.0.0.1 " + l.local().port(), line);
        }
    }

    @Test
    void aCommandThatCannotStartEndsItsClientWithOneReadableLine() throws Exception {
        BlockingQueue<Outcome> closed = new LinkedBlockingQueue<>();
        ByteArrayOutputStream childErrors = new ByteArrayOutputStream();
        try (Listener l = serveOne(
                        new ExecHandler(
                                List.of("/nonexistent/netkit-no-such-command"), childErrors, TrafficTap.NONE, null),
                        closed);
                Socket s = new Socket(LOOPBACK, l.local().port())) {
            assertEquals(-1, s.getInputStream().read(), "the client is closed");
            Outcome o = closed.poll(30, TimeUnit.SECONDS);
            assertNotNull(o);
            assertEquals(Outcome.Kind.ERROR, o.kind());
            String message = o.error().getMessage();
            assertTrue(message.startsWith("cannot run /nonexistent/netkit-no-such-command: "), message);
            assertTrue(!message.contains("\n") && !message.contains("Possible reasons"), message);
        }
    }
}
