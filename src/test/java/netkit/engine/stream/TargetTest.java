package netkit.engine.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import netkit.ExitCode;
import netkit.NetkitException;
import org.junit.jupiter.api.Test;

class TargetTest {
    @Test
    void parsesHostPortBracketedIpv6AndUnixPaths() {
        assertEquals(new Target.HostPort("backend.test", 80), Target.parse("backend.test:80", "--forward"));
        assertEquals(new Target.HostPort("127.0.0.1", 8080), Target.parse("127.0.0.1:8080", "--forward"));
        assertEquals(new Target.HostPort("::1", 443), Target.parse("[::1]:443", "--forward"));
        assertEquals(new Target.UnixPath(Path.of("/run/x.sock")), Target.parse("unix:/run/x.sock", "--forward"));
        assertEquals("[::1]:443", Target.parse("[::1]:443", "--forward").text());
    }

    @Test
    void malformedTargetsAreUsageErrorsQuotingTheValue() {
        for (String bad : new String[] {
            "host",
            "host:",
            "host:0",
            "host:70000",
            "::1:80",
            "[::1]80",
            "[example]:80",
            "unix:",
            "unix:@abstract",
            "host:8x"
        }) {
            NetkitException e = assertThrows(NetkitException.class, () -> Target.parse(bad, "--forward"), bad);
            assertEquals(ExitCode.USAGE, e.exitCode(), bad);
            assertEquals(true, e.getMessage().startsWith("invalid value for --forward: '" + bad + "'"), e.getMessage());
        }
    }
}
