package netkit.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of the invocations netkit runs without picocli ({@link Netkit#runFast}). It lives in one
 * resource, {@code netkit/fast-paths}, which the launcher reads too (to pick the small start-up archive) and
 * {@link AotTraining} trains from, so the three never disagree.
 */
final class FastPath {
    static final String RESOURCE = "fast-paths";
    private static final String VALUE = "VALUE";
    private static final String VALUES = "VALUE...";

    /**
     * The patterns of the resource, written out: reading a resource opens the jar (its central directory
     * parsed by interpreted code), ~3 ms of a port check's ~45 (BENCHMARKS.md, "Per-process port checks").
     * {@code FastPathTest} fails when this and the resource differ.
     */
    static final List<List<String>> PATTERNS = List.of(
            List.of("-V"),
            List.of("--version"),
            List.of("tcp-connect", "-z", VALUE, VALUE),
            List.of("tcp-connect", "--scan", VALUE, VALUE),
            List.of("isip", VALUES));

    private FastPath() {}

    /** The patterns of the resource, in order, each a list of words: the spec {@link #PATTERNS} must equal. */
    static List<List<String>> patterns() {
        try (InputStream in = FastPath.class.getResourceAsStream("/netkit/" + RESOURCE)) {
            if (in == null) {
                return List.of(); // a jar without the spec: everything goes through picocli
            }
            List<List<String>> patterns = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    patterns.add(List.of(line.split(" +")));
                }
            }
            return patterns;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pattern {@code args} match, or null when they must go through picocli. */
    static List<String> match(String[] args) {
        for (List<String> p : PATTERNS) {
            if (matches(p, args)) {
                return p;
            }
        }
        return null;
    }

    static boolean matches(List<String> pattern, String[] args) {
        int i = 0;
        for (String word : pattern) {
            if (word.equals(VALUES)) {
                for (; i < args.length; i++) {
                    if (!isValue(args[i])) {
                        return false;
                    }
                }
                return true;
            }
            if (i >= args.length) {
                return false;
            }
            if (word.equals(VALUE) ? !isValue(args[i]) : !word.equals(args[i])) {
                return false;
            }
            i++;
        }
        return i == args.length;
    }

    /** A plain value: no option, no {@code @file}. */
    private static boolean isValue(String arg) {
        return !arg.startsWith("-") && !arg.startsWith("@");
    }
}
