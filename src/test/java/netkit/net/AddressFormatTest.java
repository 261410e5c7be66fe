package netkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class AddressFormatTest {
    private static String text(String literal) throws Exception {
        return AddressFormat.text(InetAddress.getByAddress(IpLiteral.toBytes(literal)));
    }

    @Test
    void ipv6IsCompressedTheRfc5952Way() throws Exception {
        assertEquals("::", text("0:0:0:0:0:0:0:0"));
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"));
        assertEquals("fe80::", text("fe80:0:0:0:0:0:0:0"));
    }

    @Test
    void hostPortBracketsOnlyIpv6() throws Exception {
        assertEquals(
                "127.0.0.1:9000",
                AddressFormat.hostPort(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9000)));
        assertEquals("[::1]:9000", AddressFormat.hostPort(new InetSocketAddress(InetAddress.getByName("::1"), 9000)));
    }
}
