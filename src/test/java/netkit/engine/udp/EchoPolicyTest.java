package netkit.engine.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class EchoPolicyTest {
    private static InetSocketAddress at(String host, int port) {
        return new InetSocketAddress(host, port);
    }

    @Test
    void noAnswerToTheServicesThatAnswerEverything() {
        EchoPolicy p = new EchoPolicy(at("127.0.0.1", 7000));
        for (int port : new int[] {7, 13, 17, 19, 37}) {
            assertEquals(
                    "port " + port + " is a service that answers every datagram (a loop)",
                    p.refuse(at("127.0.0.2", port)));
        }
        assertNull(p.refuse(at("127.0.0.2", 40000)));
    }

    @Test
    void noAnswerToOurOwnAddressAndPortAlsoOnTheWildcardAndMapped() {
        assertTrue(new EchoPolicy(at("127.0.0.1", 7000))
                .refuse(at("127.0.0.1", 7000))
                .contains("own address"));
        EchoPolicy any = new EchoPolicy(at("::", 7000));
        assertTrue(any.refuse(at("::ffff:127.0.0.1", 7000)).contains("own address"));
        assertTrue(any.refuse(at("::1", 7000)).contains("own address"));
        assertNull(any.refuse(at("::1", 7001)));
    }

    @Test
    void answersToOneSenderAreRateLimitedAfterTheBurst() {
        EchoPolicy p = new EchoPolicy(at("127.0.0.1", 7000));
        int answered = 0;
        for (int i = 0; i < 1000; i++) {
            if (p.refuse(at("127.0.0.1", 40000)) == null) {
                answered++;
            }
        }
        // the burst, plus what the rate refilled while the loop ran (well under a second)
        assertTrue(answered >= EchoPolicy.PER_PEER_BURST && answered < 400, answered + " answered");
        assertNull(p.refuse(at("127.0.0.1", 40001))); // another sender has its own budget
    }
}
