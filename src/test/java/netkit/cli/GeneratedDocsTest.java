package netkit.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checked-in man pages and completions are exactly what the current picocli model generates. */
class GeneratedDocsTest {
    static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void checkedInManPagesAndCompletionsAreUpToDate() throws Exception {
        Map<String, String> fresh = Docs.generate(ROOT.resolve("README.md"));
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> f : fresh.entrySet()) {
            Path checkedIn = ROOT.resolve(f.getKey());
            if (!Files.exists(checkedIn)) {
                stale.add(f.getKey() + " (missing)");
            } else if (!Files.readString(checkedIn, UTF_8).equals(f.getValue())) {
                stale.add(f.getKey() + " (differs)");
            }
        }
        TreeSet<String> extra = new TreeSet<>();
        for (String dir : List.of("man", "completions")) {
            try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
                files.map(p -> ROOT.relativize(p).toString())
                        .filter(p -> !fresh.containsKey(p))
                        .forEach(extra::add);
            }
        }
        extra.forEach(e -> stale.add(e + " (no such command any more)"));
        if (!stale.isEmpty()) {
            fail("man pages / completions are stale: " + String.join(", ", stale) + ". Regenerate them with:\n\n    "
                    + Docs.UPDATE_COMMAND + "\n\nand commit man/ and completions/.");
        }
    }

    @Test
    void everyCommandHasAManPage() throws Exception {
        Map<String, String> fresh = Docs.generate(ROOT.resolve("README.md"));
        for (Class<?> c : Netkit.COMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            assertTrue(fresh.containsKey("man/netkit-" + name + ".1"), name);
            assertTrue(
                    fresh.get("man/netkit.1").contains("\\fBnetkit\\-" + name.replace("-", "\\-") + "\\fR(1)"), name);
        }
        assertTrue(fresh.get("man/netkit.1").contains(".SH \"EXIT STATUS\""));
        assertTrue(fresh.get("man/netkit.1").contains(".SH \"ENVIRONMENT\""));
        assertTrue(fresh.get("man/netkit.1").contains(".SH \"EXAMPLES\""));
    }

    @Test
    void translationTableComesFromTheReadme() {
        String readme = "# x\n\n## From nc, ncat and socat\n\n| nc | netkit | what changes |\n| --- | --- | --- |\n"
                + "| `nc -z H 1-9` | `netkit tcp-connect -z H 1-9` | ports \\| ranges |\n\n## Next\n| a | b |\n";
        List<String[]> rows = Docs.translationTable(readme);
        assertEquals(1, rows.size());
        assertEquals("`nc -z H 1-9`", rows.get(0)[0]);
        assertEquals("ports | ranges", rows.get(0)[2]);
        assertEquals("\\fBnc \\-z H 1\\-9\\fR", Docs.markdown(rows.get(0)[0]));
    }

    @Test
    void troffEscapingKeepsRequestsAndBackslashesLiteral() {
        assertEquals("\\&.hidden", Docs.escLine(".hidden"));
        assertEquals("a\\eb \\-x", Docs.esc("a\\b -x"));
    }

    @Test
    @Timeout(30)
    void bashCompletionCompletesCommandNamesAndOptions() throws Exception {
        assertEquals(List.of("isip"), complete("netkit", "is"));
        for (Class<?> c : Netkit.COMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            assertTrue(
                    complete("netkit", name.substring(0, Math.min(name.length(), 5)))
                            .contains(name),
                    name);
        }
        assertTrue(complete("netkit", "isip", "--js").contains("--json"));
    }

    /** COMPREPLY of completions/netkit.bash for the words typed so far (the last one is being completed). */
    private static List<String> complete(String... words) throws Exception {
        Path script = ROOT.resolve("completions/netkit.bash");
        String line = String.join(" ", words);
        StringBuilder array = new StringBuilder();
        for (String w : words) {
            array.append('\'').append(w).append("' ");
        }
        String probe = "source '" + script + "'\n"
                + "COMP_WORDS=(" + array + "); COMP_CWORD=" + (words.length - 1) + "; COMP_LINE='" + line
                + "'; COMP_POINT=${#COMP_LINE}\n"
                + "_complete_netkit netkit '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process p = new ProcessBuilder("bash", "--norc", "--noprofile", "-c", probe)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}
