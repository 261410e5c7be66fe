package netkit.engine.scan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Assumptions;

/**
 * Port windows that a test may sweep: below the ephemeral range (where other processes' port-0
 * listeners live) and without any TCP listener at the moment, per /proc/net/tcp and tcp6. A scan
 * test must never connect to a service that is not its own.
 */
public final class QuietPorts {
    private QuietPorts() {}

    /** The first port of {@code size} consecutive ports in 1024-19999 where nothing listens. */
    public static int window(int size) throws IOException {
        BitSet listening = new BitSet(65536);
        boolean read = false;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            read = true;
            for (String line : Files.readAllLines(p)) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && "0A".equals(f[3])) { // 0A = TCP_LISTEN
                    String local = f[1];
                    listening.set(Integer.parseInt(local.substring(local.indexOf(':') + 1), 16));
                }
            }
        }
        Assumptions.assumeTrue(read, "no /proc/net/tcp: cannot tell which ports are quiet");
        for (int start = 1024; start + size <= 20000; start += 512) {
            int next = listening.nextSetBit(start);
            if (next < 0 || next >= start + size) {
                return start;
            }
        }
        Assumptions.abort("no quiet window of " + size + " ports in 1024-19999");
        return -1;
    }
}
