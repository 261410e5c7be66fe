package netkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
    @Test
    void matchesByPrefixInBothFamilies() {
        assertTrue(Cidr.parse("10.0.0.0/8").contains("10.255.1.2"));
        assertFalse(Cidr.parse("10.0.0.0/8").contains("11.0.0.1"));
        assertTrue(Cidr.parse("192.168.1.128/25").contains("192.168.1.200"));
        assertFalse(Cidr.parse("192.168.1.128/25").contains("192.168.1.127"));
        assertTrue(Cidr.parse("0.0.0.0/0").contains("8.8.8.8"));
        assertFalse(Cidr.parse("0.0.0.0/0").contains("::1"));
        assertTrue(Cidr.parse("fe80::/10").contains("febf::1"));
        assertTrue(Cidr.parse("::1").contains("::1"));
        assertFalse(Cidr.parse("::1").contains("::2"));
    }

    @Test
    void ipv4MappedIpv6MatchesIpv4RulesBothWays() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        // InetAddress turns a mapped address into Inet4Address already; test the raw bytes path too
        assertTrue(Cidr.parse("127.0.0.0/8").contains(InetAddress.getByAddress(mapped)));
        assertTrue(Cidr.parse("127.0.0.0/8").contains("::ffff:127.0.0.1"));
        assertTrue(Cidr.parse("::ffff:127.0.0.0/104").contains("127.9.9.9"));
        assertFalse(Cidr.parse("::ffff:127.0.0.0/104").contains("128.0.0.1"));
    }

    @Test
    void rejectsWhatIsNotABlock() {
        for (String bad :
                new String[] {"", "10.0.0.0/33", "::/129", "10.0.0/8", "host", "10.0.0.0/", "fe80::1%eth0/64"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
        assertEquals("10.0.0.0/8", Cidr.parse("10.0.0.0/8").toString());
    }
}
