package netkit.engine.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import netkit.ExitCode;
import netkit.NetkitException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DatagramEndpointTest {
    private static DatagramEndpoint open(EndpointConfig.Builder config) {
        return DatagramEndpoint.open(config.build());
    }

    private static EndpointConfig.Builder loopback(String address) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        return EndpointConfig.builder().family(DatagramEndpoint.familyOf(a)).bind(new InetSocketAddress(a, 0));
    }

    @Test
    void ttlOnJava21IsAClearErrorNotANoOp() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() < 22, "runs on Java 21 only");
        NetkitException e = assertThrows(
                NetkitException.class, () -> open(loopback("127.0.0.1").ttl(7)));
        assertTrue(e.getMessage().startsWith("cannot set TTL 7: needs Java 22 or newer"), e.getMessage());
    }

    @Test
    void ttlIsSetAndReadBackWithGetsockoptOnIpv4AndIpv6() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Runtime.version().feature() >= 22, "FFM is final from Java 22");
        try (DatagramEndpoint four = open(loopback("127.0.0.1").ttl(7));
                DatagramEndpoint six = open(loopback("::1").ttl(200))) {
            assertEquals(7, four.ttl());
            assertEquals(200, six.ttl());
            four.setTtl(33);
            assertEquals(33, four.ttl());
        }
    }

    @Test
    void multicastOptionsAreAppliedToTheSocket() throws Exception {
        java.net.NetworkInterface lo = java.net.NetworkInterface.getByName("lo");
        try (DatagramEndpoint e = open(loopback("127.0.0.1").multicast(lo, 0, false))) {
            assertEquals(lo, e.option(java.net.StandardSocketOptions.IP_MULTICAST_IF));
            assertEquals(0, e.option(java.net.StandardSocketOptions.IP_MULTICAST_TTL));
            assertEquals(false, e.option(java.net.StandardSocketOptions.IP_MULTICAST_LOOP));
        }
    }

    @Test
    void joinAndLeaveAtRuntimeChangeTheMemberships() throws Exception {
        java.net.NetworkInterface lo = java.net.NetworkInterface.getByName("lo");
        InetAddress g1 = InetAddress.getByName("239.255.201."
                + java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 255));
        InetAddress g2 = InetAddress.getByName("239.255.202."
                + java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 255));
        EndpointConfig.Builder wildcard = EndpointConfig.builder()
                .family(java.net.StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))
                .reuseAddress(true)
                .multicast(lo, 0, true);
        try (DatagramEndpoint e = open(wildcard)) {
            e.join(g1, lo, null);
            e.join(g2, lo, null);
            assertEquals(
                    java.util.List.of(g1, g2),
                    e.memberships().stream().map(k -> k.group()).toList());
            assertTrue(e.leave(g1));
            assertEquals(false, e.leave(g1));
            assertEquals(
                    java.util.List.of(g2),
                    e.memberships().stream().map(k -> k.group()).toList());
            int port = e.localAddress().getPort();
            e.send("to g2".getBytes(StandardCharsets.UTF_8), new InetSocketAddress(g2, port));
            assertEquals("to g2", new String(e.receive(Duration.ofSeconds(10)).payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void afterLeaveAGroupDatagramIsNoLongerReceived() throws Exception {
        java.net.NetworkInterface lo = java.net.NetworkInterface.getByName("lo");
        InetAddress group = InetAddress.getByName("239.255.203."
                + java.util.concurrent.ThreadLocalRandom.current().nextInt(1, 255));
        EndpointConfig.Builder wildcard = EndpointConfig.builder()
                .family(java.net.StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))
                .multicast(lo, 0, true);
        try (DatagramEndpoint member = open(wildcard);
                DatagramEndpoint sender = open(loopback("127.0.0.1").multicast(lo, 0, true))) {
            int port = member.localAddress().getPort();
            member.join(group, lo, null);
            sender.send("joined".getBytes(StandardCharsets.UTF_8), new InetSocketAddress(group, port));
            assertEquals(
                    "joined", new String(member.receive(Duration.ofSeconds(10)).payload(), StandardCharsets.UTF_8));
            member.leave(group);
            sender.send("after leave".getBytes(StandardCharsets.UTF_8), new InetSocketAddress(group, port));
            // a unicast marker sent after it: whatever the group datagram did, the marker comes behind it
            sender.send("marker".getBytes(StandardCharsets.UTF_8), new InetSocketAddress("127.0.0.1", port));
            assertEquals(
                    "marker", new String(member.receive(Duration.ofSeconds(10)).payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void countersAndLastSenderFollowTheTraffic() throws Exception {
        try (DatagramEndpoint a = open(loopback("127.0.0.1"));
                DatagramEndpoint b = open(loopback("127.0.0.1"))) {
            assertNull(b.lastSender());
            a.send("12345".getBytes(StandardCharsets.UTF_8), b.localAddress());
            Datagram d = b.receive(Duration.ofSeconds(10));
            assertEquals("12345", new String(d.payload(), StandardCharsets.UTF_8));
            assertEquals(a.localAddress(), b.lastSender());
            assertEquals("127.0.0.1", d.address());
            assertEquals("IPv4", d.family());
            assertEquals(new Counters(0, 0, 1, 5), a.counters());
            assertEquals(new Counters(1, 5, 0, 0), b.counters());
        }
    }

    @Test
    void receiveTimesOutWithNull() throws Exception {
        try (DatagramEndpoint e = open(loopback("127.0.0.1"))) {
            assertNull(e.receive(Duration.ofMillis(50)));
            assertTrue(e.isOpen());
        }
    }

    @Test
    void closeWakesABlockedReceiver() throws Exception {
        DatagramEndpoint e = open(loopback("127.0.0.1"));
        CompletableFuture<ReceiveLoop.End> end = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                end.complete(ReceiveLoop.run(e, DatagramSink.NONE, 0, null));
            } catch (Exception x) {
                end.completeExceptionally(x);
            }
        });
        e.close();
        e.close(); // idempotent
        assertEquals(ReceiveLoop.End.CLOSED, end.get(10, TimeUnit.SECONDS));
    }

    @Test
    void connectedEndpointReportsPortUnreachable() throws Exception {
        InetSocketAddress nobody;
        try (DatagramEndpoint gone = open(loopback("127.0.0.1"))) {
            nobody = gone.localAddress();
        }
        try (DatagramEndpoint e = open(loopback("127.0.0.1").connect(nobody))) {
            e.send(new byte[] {1});
            assertThrows(PortUnreachableException.class, () -> e.receive(Duration.ofSeconds(10)));
        }
    }

    @Test
    void bindingAPortInUseIsExitSix() throws Exception {
        try (DatagramEndpoint taken = open(loopback("127.0.0.1"))) {
            NetkitException e = assertThrows(
                    NetkitException.class, () -> open(loopback("127.0.0.1").bind(taken.localAddress())));
            assertEquals(ExitCode.BIND, e.exitCode());
            assertEquals("EADDRINUSE", e.code());
        }
    }
}
