package netkit.engine.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netkit.ExitCode;
import netkit.NetkitException;
import org.junit.jupiter.api.Test;

class ProxyUrlTest {
    @Test
    void parsesEverySchemeWithItsDefaultPort() {
        assertEquals(
                new ProxyUrl(ProxyUrl.Scheme.SOCKS5H, "proxy.test", 1080, null, null),
                ProxyUrl.parse("socks5h://proxy.test", "--proxy"));
        assertEquals(1080, ProxyUrl.parse("SOCKS4A://127.0.0.1", "--proxy").port());
        assertEquals(8080, ProxyUrl.parse("http://127.0.0.1/", "--proxy").port());
        assertEquals(
                ProxyUrl.Scheme.SOCKS4,
                ProxyUrl.parse("socks4://127.0.0.1:9", "--proxy").scheme());
        ProxyUrl v6 = ProxyUrl.parse("socks5://[::1]:1081", "--proxy");
        assertEquals("::1", v6.host());
        assertEquals(1081, v6.port());
        assertEquals("socks5://[::1]:1081", v6.text());
    }

    @Test
    void percentDecodesUserAndPassword() {
        ProxyUrl p = ProxyUrl.parse("http://al%40ice:p%3Ass%25w%C3%B6rd@127.0.0.1:3128", "--proxy");
        assertEquals("al@ice", p.user());
        assertEquals("p:ss%wörd", p.password());
        ProxyUrl userOnly = ProxyUrl.parse("socks4://bob@127.0.0.1", "--proxy");
        assertEquals("bob", userOnly.user());
        assertNull(userOnly.password());
        // a raw '@' in the password: the last '@' ends the credentials
        assertEquals(
                "a@b", ProxyUrl.parse("socks5://u:a@b@127.0.0.1", "--proxy").password());
    }

    @Test
    void malformedUrlsAreUsageErrorsThatNeverEchoThePassword() {
        for (String bad : new String[] {
            "127.0.0.1:1080",
            "ftp://127.0.0.1",
            "socks5://",
            "socks5://h:0",
            "socks5://h:99999",
            "socks5://h/path",
            "socks5://::1:1080",
            "http://u:p%zz@h",
            "socks4://u:secret@h"
        }) {
            NetkitException e = assertThrows(NetkitException.class, () -> ProxyUrl.parse(bad, "--proxy"), bad);
            assertEquals(ExitCode.USAGE, e.exitCode(), bad);
            assertTrue(e.getMessage().startsWith("invalid value for --proxy: '"), e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
        String tooLong = "x".repeat(256);
        NetkitException e =
                assertThrows(NetkitException.class, () -> ProxyUrl.parse("socks5h://u:" + tooLong + "@h", "--proxy"));
        assertTrue(e.getMessage().contains("255 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains(tooLong), e.getMessage());
    }

    @Test
    void textNeverShowsCredentials() {
        ProxyUrl p = ProxyUrl.parse("socks5h://me:hunter2@127.0.0.1:1080", "--proxy");
        assertEquals("socks5h://127.0.0.1:1080", p.toString());
        assertFalse(p.text().contains("hunter2"));
    }
}
