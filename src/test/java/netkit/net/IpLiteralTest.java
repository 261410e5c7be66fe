package netkit.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpLiteralTest {
    private static final List<IsipCorpus> CORPUS = IsipCorpus.load();

    @Test
    void corpusIsLargeAndCoversAllThreeAnswers() {
        assertTrue(CORPUS.size() >= 500, "corpus size " + CORPUS.size());
        for (int family : new int[] {0, 4, 6}) {
            assertTrue(CORPUS.stream().filter(c -> c.family() == family).count() >= 50, "family " + family);
        }
    }

    @Test
    void familyMatchesNodeNetIsIpOnTheWholeCorpus() {
        List<String> wrong = new ArrayList<>();
        for (IsipCorpus c : CORPUS) {
            int got = IpLiteral.family(c.input());
            if (got != c.family()) {
                wrong.add(c + " but got " + got);
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void isIpv4AndIsIpv6AgreeWithFamily() {
        for (IsipCorpus c : CORPUS) {
            assertEquals(c.family() == 4, IpLiteral.isIPv4(c.input()), c.toString());
            assertEquals(c.family() == 6, IpLiteral.isIPv6(c.input()), c.toString());
        }
    }

    @Test
    void toBytesDecodesEveryValidLiteralAndRejectsTheRest() {
        for (IsipCorpus c : CORPUS) {
            byte[] b = IpLiteral.toBytes(c.input());
            if (c.family() == 0) {
                assertNull(b, c.toString());
            } else {
                assertEquals(c.family() == 4 ? 4 : 16, b.length, c.toString());
            }
        }
    }

    @Test
    void toBytesExpandsCompressionEmbeddedIpv4AndIgnoresTheZone() {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, IpLiteral.toBytes("127.0.0.1"));
        assertArrayEquals(v6(0, 0, 0, 0, 0, 0, 0, 1), IpLiteral.toBytes("::1"));
        assertArrayEquals(v6(0xfe80, 0, 0, 0, 0, 0, 0, 1), IpLiteral.toBytes("fe80::1%eth0"));
        assertArrayEquals(v6(0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304), IpLiteral.toBytes("::ffff:1.2.3.4"));
        assertArrayEquals(v6(1, 2, 3, 4, 5, 6, 0x0102, 0x0304), IpLiteral.toBytes("1:2:3:4:5:6:1.2.3.4"));
        assertArrayEquals(v6(1, 0, 0, 0, 0, 0, 0x0102, 0x0304), IpLiteral.toBytes("1::1.2.3.4"));
        assertArrayEquals(v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), IpLiteral.toBytes("2001:db8::"));
        assertArrayEquals(v6(1, 2, 3, 4, 5, 6, 7, 8), IpLiteral.toBytes("1:2:3:4:5:6:7:8"));
        assertArrayEquals(v6(1, 0, 0, 0, 0, 0, 0, 8), IpLiteral.toBytes("1::8"));
        assertArrayEquals(
                v6(0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
                IpLiteral.toBytes("FFFF:ffff:ffff:ffff:ffff:ffff:255.255.255.255"));
    }

    @Test
    void kindsNameTheSpecialRanges() {
        assertEquals("loopback", IpKind.of("127.0.0.1"));
        assertEquals("loopback", IpKind.of("::1"));
        assertEquals("private", IpKind.of("192.168.1.1"));
        assertEquals("private", IpKind.of("172.16.0.1"));
        assertEquals("global", IpKind.of("172.32.0.1"));
        assertEquals("link-local", IpKind.of("169.254.1.1"));
        assertEquals("link-local", IpKind.of("fe80::1%eth0"));
        assertEquals("multicast", IpKind.of("224.0.0.1"));
        assertEquals("multicast", IpKind.of("ff02::1"));
        assertEquals("unspecified", IpKind.of("0.0.0.0"));
        assertEquals("unspecified", IpKind.of("::"));
        assertEquals("broadcast", IpKind.of("255.255.255.255"));
        assertEquals("documentation", IpKind.of("192.0.2.7"));
        assertEquals("documentation", IpKind.of("2001:db8::1"));
        assertEquals("unique-local", IpKind.of("fd00::1"));
        assertEquals("ipv4-mapped", IpKind.of("::ffff:1.2.3.4"));
        assertEquals("global", IpKind.of("8.8.8.8"));
        assertEquals("global", IpKind.of("2a00::1"));
        assertEquals("invalid", IpKind.of("127.1"));
    }

    private static byte[] v6(int... words) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[2 * i] = (byte) (words[i] >> 8);
            b[2 * i + 1] = (byte) words[i];
        }
        return b;
    }
}
