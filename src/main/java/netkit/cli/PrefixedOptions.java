package netkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A second instance of an option class under a name prefix ({@code --cafile} becomes
 * {@code --forward-cafile}), so one class of options serves two sides of a command without a copy.
 * picocli has no prefix for mixins; this adds the options to the command's model by hand, bound to
 * the given instance, and renames the options each description mentions ({@code "With --tls:"}
 * becomes {@code "With --forward-tls:"}). Quoted commands ({@code 'tcp-listen --tls -v'}) keep their
 * names. Runs from a command's {@code @Command(modelTransformer)}, which {@link Netkit} applies.
 */
final class PrefixedOptions {
    /** A single-quoted part: opened and closed by a quote that is no apostrophe ({@code JDK's}). */
    private static final Pattern QUOTED = Pattern.compile("(?<!\\w)'[^']*'(?!\\w)");

    private PrefixedOptions() {}

    /**
     * Adds every option of {@code options} to {@code spec} as {@code --PREFIX-name}.
     *
     * @param prefix       the word put after {@code --}, e.g. {@code "forward-"}
     * @param descriptions descriptions that are rewritten rather than renamed, by original option name
     * @param words        other words to replace in the descriptions (e.g. HOST), by the word
     */
    static void add(
            CommandSpec spec,
            Object options,
            String prefix,
            Map<String, String> descriptions,
            Map<String, String> words) {
        CommandSpec own = CommandSpec.forAnnotatedObject(options);
        List<String> names = new ArrayList<>();
        for (OptionSpec o : own.options()) {
            names.addAll(List.of(o.names()));
        }
        for (OptionSpec o : own.options()) {
            String[] renamed =
                    List.of(o.names()).stream().map(n -> prefixed(n, prefix)).toArray(String[]::new);
            if (spec.findOption(renamed[0]) != null) {
                continue; // the model was transformed before (picocli re-applies transformers to a copied spec)
            }
            String given = descriptions.get(o.longestName());
            String[] description = given != null
                    ? new String[] {given}
                    : List.of(o.description()).stream()
                            .map(d -> rename(d, names, prefix, words))
                            .toArray(String[]::new);
            spec.addOption(OptionSpec.builder(o)
                    .names(renamed)
                    .description(description)
                    .build());
        }
    }

    /** {@code --name} as {@code --PREFIXname}. */
    static String prefixed(String name, String prefix) {
        if (!name.startsWith("--")) {
            throw new IllegalArgumentException("only long options take a prefix: " + name);
        }
        return "--" + prefix + name.substring(2);
    }

    /** Renames {@code names} (and {@code words}) in {@code text}, outside single-quoted parts. */
    static String rename(String text, List<String> names, String prefix, Map<String, String> words) {
        List<String> alternatives = new ArrayList<>();
        names.stream().sorted((a, b) -> b.length() - a.length()).forEach(n -> alternatives.add(Pattern.quote(n)));
        words.keySet().forEach(w -> alternatives.add(Pattern.quote(w)));
        Pattern p = Pattern.compile("(?<![\\w-])(" + String.join("|", alternatives) + ")(?![\\w-])");
        StringBuilder out = new StringBuilder();
        Matcher quoted = QUOTED.matcher(text);
        int from = 0;
        while (quoted.find()) {
            out.append(renameIn(text.substring(from, quoted.start()), p, prefix, words));
            out.append(quoted.group()); // a command line of its own
            from = quoted.end();
        }
        out.append(renameIn(text.substring(from), p, prefix, words));
        return out.toString();
    }

    private static String renameIn(String text, Pattern p, String prefix, Map<String, String> words) {
        Matcher m = p.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String found = m.group(1);
            String with = words.containsKey(found) ? words.get(found) : prefixed(found, prefix);
            m.appendReplacement(out, Matcher.quoteReplacement(with));
        }
        m.appendTail(out);
        return out.toString();
    }
}
