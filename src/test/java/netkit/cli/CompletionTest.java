package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The generated bash completion, run in bash: --no-… forms, and values after --opt= (issue 18.9). */
@Timeout(60)
class CompletionTest {
    private static List<String> complete(Path dir, String... words) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")));
        Path script = dir.resolve("netkit.bash");
        Files.writeString(script, Docs.generate(Path.of("README.md")).get("completions/netkit.bash"));
        StringBuilder w = new StringBuilder();
        for (String word : words) {
            w.append(" '").append(word).append('\'');
        }
        String driver = "source " + script + " 2>/dev/null\ncompopt() { :; }\nCOMP_WORDS=(" + w + ")\n"
                + "COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE=\"${COMP_WORDS[*]}\"; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_netkit\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("/bin/bash", "-c", driver)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void negatableOptionsOfferTheirNoForms(@TempDir Path dir) throws Exception {
        assertEquals(List.of("--no-interactive"), complete(dir, "netkit", "tcp-connect", "--no-i"));
        assertEquals(List.of("--no-loopback"), complete(dir, "netkit", "multicast-join", "--no-l"));
    }

    @Test
    void valuesAfterOptEqualsAreCompletedKeepingTheOption(@TempDir Path dir) throws Exception {
        // bash splits '--stdin-eof=k' into '--stdin-eof' '=' 'k' and replaces only the last word
        assertEquals(List.of("keep"), complete(dir, "netkit", "tcp-connect", "--stdin-eof", "=", "k"));
        assertEquals(List.of("shutdown", "keep", "close"), complete(dir, "netkit", "tcp-connect", "--stdin-eof", "="));
        assertEquals(List.of("always"), complete(dir, "netkit", "--color", "=", "al"));
    }
}
