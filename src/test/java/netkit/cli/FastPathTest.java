package netkit.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import netkit.Stdio;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The start-up fast path gives exactly what the picocli path gives, and declines everything else. */
class FastPathTest {
    record Run(Integer exit, String out, String err) {}

    static Run fast(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Integer exit = Netkit.runFast(
                Stdio.of(new ByteArrayInputStream(stdin.getBytes(UTF_8)), out, new PrintStream(err, true, UTF_8)),
                args);
        return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    static Run full(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Netkit.commandLine(Stdio.of(
                        new ByteArrayInputStream(stdin.getBytes(UTF_8)), out, new PrintStream(err, true, UTF_8)))
                .execute(args);
        return new Run(exit, out.toString(UTF_8), err.toString(UTF_8));
    }

    @Test
    void isipArgumentsAndStdinGiveTheSameResultAsThePicocliPath() {
        List<String[]> cases = List.of(
                new String[] {"isip", "1.2.3.4", "::1", "127.1"},
                new String[] {"isip", "fe80::1%eth0", "198.51.100.7"},
                new String[] {"isip", "", " 1.2.3.4", "[::1]", "isip"},
                new String[] {"isip"});
        for (String stdin : List.of("", "1.2.3.4\n::1\n", "x\r\n")) {
            for (String[] args : cases) {
                Run fast = fast(stdin, args);
                assertNotNull(fast.exit(), String.join(" ", args));
                assertEquals(full(stdin, args), fast, String.join(" ", args) + " with stdin '" + stdin + "'");
            }
        }
    }

    /** The patterns of the resource the launcher reads, in order, each a list of words. */
    private static List<List<String>> resourcePatterns() throws Exception {
        try (java.io.InputStream in = FastPath.class.getResourceAsStream("/netkit/fast-paths")) {
            assertNotNull(in, "netkit/fast-paths is not on the class path");
            List<List<String>> patterns = new java.util.ArrayList<>();
            for (String line : new String(in.readAllBytes(), UTF_8).split("\n")) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    patterns.add(List.of(line.split(" +")));
                }
            }
            return patterns;
        }
    }

    @Test
    void theWrittenOutPatternsAreTheResources() throws Exception {
        assertEquals(resourcePatterns(), FastPath.PATTERNS, "change netkit/fast-paths and FastPath.PATTERNS together");
    }

    @Test
    void versionIsTheSameAsPicoclis() {
        assertEquals(full("", "-V"), fast("", "-V"));
        assertEquals(full("", "--version"), fast("", "--version"));
    }

    @Test
    @Timeout(30)
    void portCheckGivesTheSameResultAsThePicocliPath() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket open = new ServerSocket(0, 50, lo)) {
            int closed;
            try (ServerSocket s = new ServerSocket(0, 1, lo)) {
                closed = s.getLocalPort();
            }
            String openPort = String.valueOf(open.getLocalPort());
            for (String[] args : List.of(
                    new String[] {"tcp-connect", "-z", "127.0.0.1", openPort},
                    new String[] {"tcp-connect", "--scan", "127.0.0.1", String.valueOf(closed)},
                    new String[] {"tcp-connect", "-z", "127.0.0.1", closed + "," + openPort},
                    new String[] {"tcp-connect", "-z", "127.0.0.1", "70000"},
                    new String[] {"tcp-connect", "-z", "::1", String.valueOf(closed)})) {
                Run fast = fast("", args);
                assertNotNull(fast.exit(), String.join(" ", args));
                assertEquals(full("", args), fast, String.join(" ", args));
            }
        }
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        for (String[] args : List.of(
                new String[0],
                new String[] {"--json", "isip", "1.2.3.4"},
                new String[] {"isip", "-v", "1.2.3.4"},
                new String[] {"isip", "1.2.3.4", "--json"},
                new String[] {"isip", "@args.txt"},
                new String[] {"isip", "--", "-1"},
                new String[] {"--help"},
                new String[] {"-V", "isip"},
                new String[] {"-Vv"},
                new String[] {"udp-send", "127.0.0.1", "9", "x"},
                new String[] {"tcp-connect", "127.0.0.1", "9"},
                new String[] {"tcp-connect", "-z", "-v", "127.0.0.1", "9"},
                new String[] {"tcp-connect", "-z", "127.0.0.1"},
                new String[] {"tcp-connect", "-z", "127.0.0.1", "9", "-w", "1s"})) {
            assertNull(fast("", args).exit(), String.join(" ", args));
        }
    }

    @Test
    @Timeout(60)
    void theLauncherReadsTheSameSpecAndPicksTheSmallArchiveForExactlyTheseInvocations() throws Exception {
        List<String[]> cases = List.of(
                new String[0],
                new String[] {"-V"},
                new String[] {"--version"},
                new String[] {"-V", "isip"},
                new String[] {"isip"},
                new String[] {"isip", "1.2.3.4", "::1"},
                new String[] {"isip", "-v", "1"},
                new String[] {"isip", "@x"},
                new String[] {"--json", "isip", "1"},
                new String[] {"tcp-connect", "-z", "127.0.0.1", "80"},
                new String[] {"tcp-connect", "--scan", "h", "1,2"},
                new String[] {"tcp-connect", "-z", "-v", "127.0.0.1", "80"},
                new String[] {"tcp-connect", "-z", "h"},
                new String[] {"tcp-connect", "127.0.0.1", "80"},
                new String[] {"udp-send", "h", "9", "x"});
        java.nio.file.Path root = java.nio.file.Path.of("").toAbsolutePath();
        // the launcher's own matcher, run by bash over the same spec file the jar carries
        String script = "source <(sed -n '/^fast_match()/,/^}/p' netkit)\n"
                + "kind=full; while IFS= read -r line; do case $line in '' | '#'*) continue ;; esac;"
                + " if fast_match \"$line\" \"$@\"; then kind=fast; break; fi; done < src/main/resources/netkit/fast-paths;"
                + " echo $kind";
        for (String[] args : cases) {
            List<String> cmd = new java.util.ArrayList<>(List.of("bash", "-c", script, "_"));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .start();
            String kind = new String(p.getInputStream().readAllBytes(), UTF_8).strip();
            assertEquals(0, p.waitFor());
            String expected = FastPath.match(args) != null ? "fast" : "full";
            assertEquals(expected, kind, String.join(" ", args));
        }
    }
}
