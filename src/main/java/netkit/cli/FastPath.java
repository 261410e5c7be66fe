package netkit.cli;

import java.util.List;

/**
 * The grammar of the invocations netkit runs without picocli ({@link Netkit#runFast}). It is written in the
 * resource {@code netkit/fast-paths}, which the launcher reads (to pick the small start-up archive), and out
 * in {@link #PATTERNS}, which this class matches and {@link AotTraining} trains from; {@code FastPathTest}
 * keeps the two equal.
 */
final class FastPath {
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
