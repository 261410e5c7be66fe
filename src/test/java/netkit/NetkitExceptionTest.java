package netkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link NetkitException#from} over real failures on loopback (and the two that must not touch a resolver). */
class NetkitExceptionTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A loopback port with nothing listening: bound once, then closed. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }

    @Test
    @Timeout(10)
    void refusedLoopbackConnectIsExit3Econnrefused() throws IOException {
        int port = closedPort();
        IOException e = assertThrows(IOException.class, () -> {
            try (SocketChannel ch = SocketChannel.open()) {
                ch.connect(new InetSocketAddress(LOOPBACK, port));
            }
        });
        NetkitException n = NetkitException.from(e, "connect to 127.0.0.1:" + port);
        assertEquals(ExitCode.REFUSED, n.exitCode());
        assertEquals("ECONNREFUSED", n.code());
        assertEquals("connect to 127.0.0.1:" + port + ": connection refused", n.getMessage());
        assertSame(e, n.getCause());
    }

    @Test
    @Timeout(10)
    void refusedThroughJavaNetSocketIsExit3Too() throws IOException {
        int port = closedPort();
        IOException e = assertThrows(IOException.class, () -> new Socket(LOOPBACK, port).close());
        assertEquals(ExitCode.REFUSED, NetkitException.from(e, "connect").exitCode());
    }

    @Test
    @Timeout(10)
    void icmpPortUnreachableOnConnectedUdpSocketIsExit3() throws Exception {
        int port;
        try (DatagramChannel probe = DatagramChannel.open().bind(new InetSocketAddress(LOOPBACK, 0))) {
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.connect(new InetSocketAddress(LOOPBACK, port));
            ch.write(ByteBuffer.wrap(new byte[] {1}));
            // The ICMP error arrives asynchronously; the next operations report it. Bounded retries, no sleep-waiting.
            ch.configureBlocking(false);
            IOException seen = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (seen == null && System.nanoTime() < deadline) {
                try {
                    ch.read(ByteBuffer.allocate(16));
                    ch.write(ByteBuffer.wrap(new byte[] {1}));
                    Thread.onSpinWait();
                } catch (IOException e) {
                    seen = e;
                }
            }
            if (seen == null) {
                fail("no ICMP port unreachable reported within 5 s");
            }
            NetkitException n = NetkitException.from(seen, "send to 127.0.0.1:" + port);
            assertEquals(ExitCode.REFUSED, n.exitCode(), seen.toString());
            assertEquals("ECONNREFUSED", n.code());
        }
    }

    @Test
    @Timeout(10)
    void bindOnPortInUseIsExit6Eaddrinuse() throws IOException {
        try (ServerSocket first = new ServerSocket(0, 1, LOOPBACK)) {
            int port = first.getLocalPort();
            BindException e = assertThrows(BindException.class, () -> {
                try (ServerSocket second = new ServerSocket()) {
                    second.setReuseAddress(false);
                    second.bind(new InetSocketAddress(LOOPBACK, port));
                }
            });
            NetkitException n = NetkitException.from(e, "bind 127.0.0.1:" + port);
            assertEquals(ExitCode.BIND, n.exitCode());
            assertEquals("EADDRINUSE", n.code());
            assertEquals("bind 127.0.0.1:" + port + ": address already in use", n.getMessage());
        }
    }

    @Test
    void addressNotAvailableAndPermissionDeniedAreExit6WithTheirCodes() {
        // Constructed: provoking them would need a non-local address or an unprivileged user.
        NetkitException notAvailable =
                NetkitException.from(new BindException("Cannot assign requested address"), "bind");
        assertEquals(ExitCode.BIND, notAvailable.exitCode());
        assertEquals("EADDRNOTAVAIL", notAvailable.code());
        NetkitException denied = NetkitException.from(new BindException("Permission denied"), "bind 0.0.0.0:80");
        assertEquals(ExitCode.BIND, denied.exitCode());
        assertEquals("EACCES", denied.code());
        assertEquals("bind 0.0.0.0:80: permission denied", denied.getMessage());
    }

    @Test
    void unresolvableNameIsExit5EnotfoundNamingTheHost() {
        // Constructed, never resolved: tests must not send a query to any resolver.
        NetkitException n = NetkitException.from(
                new UnknownHostException("no-such-host.invalid: Name or service not known"), "connect");
        assertEquals(ExitCode.UNRESOLVED, n.exitCode());
        assertEquals("ENOTFOUND", n.code());
        assertEquals("connect: cannot resolve host 'no-such-host.invalid'", n.getMessage());

        NetkitException channel =
                NetkitException.from(new UnresolvedAddressException(), "connect to nowhere.invalid:80");
        assertEquals(ExitCode.UNRESOLVED, channel.exitCode());
        assertEquals("connect to nowhere.invalid:80: host not found", channel.getMessage());
    }

    @Test
    @Timeout(10)
    void acceptTimeoutIsExit4Etimedout() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK)) {
            server.setSoTimeout(50);
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, server::accept);
            NetkitException n = NetkitException.from(e, "accept");
            assertEquals(ExitCode.TIMEOUT, n.exitCode());
            assertEquals("ETIMEDOUT", n.code());
            assertEquals("accept: timed out", n.getMessage());
        }
    }

    @Test
    @Timeout(10)
    void resetByPeerIsExit1Econnreset() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, LOOPBACK);
                Socket client = new Socket(LOOPBACK, server.getLocalPort())) {
            try (Socket accepted = server.accept()) {
                accepted.setSoLinger(true, 0); // close sends RST
            }
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            IOException e = assertThrows(IOException.class, () -> {
                // A read after the RST fails with "Connection reset"; a write may fail first with EPIPE.
                for (int i = 0; i < 100; i++) {
                    out.write(1);
                    if (in.read() < 0) {
                        throw new AssertionError("clean EOF instead of a reset");
                    }
                }
            });
            NetkitException n = NetkitException.from(e, "relay");
            assertEquals(ExitCode.FAILURE, n.exitCode(), e.toString());
            assertTrue(n.code().equals("ECONNRESET") || n.code().equals("EPIPE"), n.code() + " from " + e);
        }
    }

    @Test
    void brokenPipeIsExit1Epipe() {
        NetkitException n = NetkitException.from(new IOException("Broken pipe"), "write");
        assertEquals(ExitCode.FAILURE, n.exitCode());
        assertEquals("EPIPE", n.code());
    }

    @Test
    void interruptIsExit130() {
        assertEquals(
                ExitCode.INTERRUPTED,
                NetkitException.from(new InterruptedException(), "wait").exitCode());
        assertEquals(130, ExitCode.INTERRUPTED.code);
    }

    @Test
    void wrappersAreMappedByWhatTheyCarry() throws IOException {
        int port = closedPort();
        CompletableFuture<Void> f = CompletableFuture.runAsync(() -> {
            try (Socket s = new Socket(LOOPBACK, port)) {
                s.getInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertEquals(ExitCode.REFUSED, NetkitException.from(e, "connect").exitCode());
    }

    @Test
    void aNetkitExceptionPassesThroughUnchanged() {
        NetkitException original = NetkitException.invalidValue("PORT", "70000", "expected 1-65535");
        assertSame(original, NetkitException.from(original, "ignored"));
        assertEquals("invalid value for PORT: '70000' (expected 1-65535)", original.getMessage());
        assertEquals(ExitCode.USAGE, original.exitCode());
        assertEquals("EINVAL", original.code());
    }

    @Test
    void aBugIsStillOneLineExit1PointingToStacktrace() {
        NetkitException n = NetkitException.from(new NullPointerException("x is null"), "");
        assertEquals(ExitCode.FAILURE, n.exitCode());
        assertTrue(n.getMessage().contains("--stacktrace"), n.getMessage());
        assertTrue(!n.getMessage().contains("\n"));
    }

    @Test
    void everyExitCodeOfTheTableIsDistinctAndAsSpecified() {
        int[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 8, 130};
        ExitCode[] all = ExitCode.values();
        assertEquals(expected.length, all.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(expected[i], all[i].code, all[i].name());
        }
    }
}
