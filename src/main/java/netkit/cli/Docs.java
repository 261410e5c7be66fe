package netkit.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netkit.ExitCode;
import netkit.Stdio;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Generates the man pages ({@code man/netkit.1}, {@code man/netkit-CMD.1}, troff) and the shell completions
 * ({@code completions/netkit.bash}, {@code completions/_netkit}) from the picocli model, so the option
 * descriptions are the documentation. Run by the build into {@code target/generated-docs}; the checked-in
 * copies are refreshed with {@link #UPDATE_COMMAND}, and {@code GeneratedDocsTest} fails when they are stale.
 * Output is deterministic: a fixed date, no host or time stamps.
 */
public final class Docs {
    /** The one line that refreshes the checked-in man pages and completions. */
    public static final String UPDATE_COMMAND = "mvn -B -q process-classes -Dnetkit.docs.out=.";

    /** The date printed in every man page; a constant so regenerating does not churn. Bump it at a release. */
    static final String DATE = "2026-11-26";

    private Docs() {}

    /** {@code Docs OUT_DIR README}: writes OUT_DIR/man/*.1 and OUT_DIR/completions/*. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: Docs OUT_DIR README.md");
            System.exit(2);
        }
        Map<String, String> files = generate(Path.of(args[1]));
        Path out = Path.of(args[0]);
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = out.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue(), StandardCharsets.UTF_8);
        }
        // Pages of commands that no longer exist would linger in a checked-in man/: remove them.
        try (var old = Files.list(out.resolve("man"))) {
            for (Path p : old.toList()) {
                if (p.toString().endsWith(".1") && !files.containsKey("man/" + p.getFileName())) {
                    Files.delete(p);
                }
            }
        }
    }

    /** Every generated file, by path relative to the repository root. */
    public static Map<String, String> generate(Path readme) throws IOException {
        String readmeText = Files.exists(readme) ? Files.readString(readme, StandardCharsets.UTF_8) : "";
        CommandLine root = Netkit.commandLine(Stdio.of(
                new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
        Map<String, String> files = new LinkedHashMap<>();
        files.put("man/netkit.1", rootPage(root, readmeText));
        for (CommandLine sub : commands(root)) {
            files.put("man/netkit-" + sub.getCommandName() + ".1", commandPage(sub));
        }
        String bash = bash(root);
        files.put("completions/netkit.bash", bash);
        files.put("completions/_netkit", zsh(bash));
        if (!readmeText.isEmpty()) {
            files.put("README.md", withExitCodeTable(readmeText));
        }
        return files;
    }

    /** The code that lets {@code --opt=VALUE} complete VALUE, keeping {@code --opt=} (bash splits words at '='). */
    private static final String OPT_EQUALS = """
              # --opt=VALUE: bash splits it at '=', so complete VALUE for --opt and leave '--opt=' as typed
              if [[ ${curr_word} == '=' && ${prev_word} == -* ]]; then
                curr_word=''
                COMP_WORDS[COMP_CWORD]=''
              elif [[ ${prev_word} == '=' && ${COMP_WORDS[COMP_CWORD-2]} == -* ]]; then
                prev_word=${COMP_WORDS[COMP_CWORD-2]}
              fi
            """;

    /**
     * picocli's bash completion, plus what it lacks: the {@code --no-…} forms of negatable options, and
     * values after {@code --opt=}.
     */
    static String bash(CommandLine root) {
        String bash = AutoComplete.bash("netkit", root);
        bash = bash.replace(
                "  local prev_word=${COMP_WORDS[COMP_CWORD-1]}\n",
                "  local prev_word=${COMP_WORDS[COMP_CWORD-1]}\n" + OPT_EQUALS);
        for (CommandLine cl : List.of(root)) {
            bash = addNegatedForms(bash, "_picocli_netkit()", cl);
        }
        for (CommandLine sub : root.getSubcommands().values()) {
            bash = addNegatedForms(
                    bash, "_picocli_netkit_" + sub.getCommandName().replace("-", "") + "()", sub);
        }
        return bash;
    }

    private static String addNegatedForms(String bash, String function, CommandLine cl) {
        StringBuilder negated = new StringBuilder();
        for (OptionSpec o : cl.getCommandSpec().options()) {
            if (o.negatable() && !o.hidden()) {
                String name = cl.getNegatableOptionTransformer().makeNegative(o.longestName(), cl.getCommandSpec());
                negated.append(" '").append(name).append('\'');
            }
        }
        int at = bash.indexOf("function " + function);
        if (negated.isEmpty() || at < 0) {
            return bash;
        }
        String marker = "  local flag_opts=\"";
        int line = bash.indexOf(marker, at);
        int end = bash.indexOf("\"\n", line + marker.length());
        return bash.substring(0, end) + negated + bash.substring(end);
    }

    private static String zsh(String bash) {
        return "#compdef netkit\n"
                + "# zsh completion for netkit: the bash completion, run by zsh's bashcompinit.\n"
                + "# Install: copy this file as _netkit into a directory on $fpath (before compinit runs),\n"
                + "# or 'source completions/netkit.bash' from ~/.zshrc.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + bash.replace("#!/usr/bin/env bash\n", "")
                + "\n# compinit autoloads this file as the function _netkit on the first Tab: complete now too.\n"
                + "if [[ -n ${ZSH_VERSION-} && ${funcstack[1]-} == _netkit ]]; then\n"
                + "  _bash_complete -F _complete_netkit\n"
                + "fi\n";
    }

    // ---- man pages ------------------------------------------------------------------------------------

    private static String header(String name, String summary) {
        StringBuilder sb = new StringBuilder();
        sb.append(".\\\" Generated from the picocli model by netkit.cli.Docs; do not edit.\n");
        sb.append(".\\\" Refresh: ").append(esc(UPDATE_COMMAND)).append('\n');
        sb.append(".TH \"")
                .append(name.toUpperCase(Locale.ROOT))
                .append("\" \"1\" \"")
                .append(DATE)
                .append("\" \"netkit ")
                .append(Version.netkit())
                .append("\" \"netkit manual\"\n");
        sb.append(".ie \\n(.g .ds Aq \\(aq\n.el .ds Aq '\n");
        sb.append(".nh\n.ad l\n");
        sb.append(".SH \"NAME\"\n")
                .append(esc(name))
                .append(" \\- ")
                .append(esc(summary))
                .append('\n');
        return sb.toString();
    }

    private static String commandPage(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        String name = "netkit-" + cl.getCommandName();
        List<String> description = description(spec);
        StringBuilder sb = new StringBuilder(header(name, summary(spec)));
        sb.append(".SH \"SYNOPSIS\"\n");
        synopsis(sb, cl);
        sb.append(".SH \"DESCRIPTION\"\n");
        paragraphs(sb, description);
        List<OptionSpec> own = new ArrayList<>();
        List<OptionSpec> inherited = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (o.hidden()) {
                continue;
            }
            (o.inherited() ? inherited : own).add(o);
        }
        if (!spec.positionalParameters().isEmpty()) {
            sb.append(".SH \"ARGUMENTS\"\n");
            for (PositionalParamSpec p : spec.positionalParameters()) {
                if (p.hidden()) {
                    continue;
                }
                sb.append(".TP\n\\fI")
                        .append(esc(p.paramLabel()))
                        .append("\\fR")
                        .append(p.arity().max() > 1 ? "..." : "")
                        .append('\n');
                paragraphs(sb, List.of(p.description()));
            }
        }
        if (!own.isEmpty()) {
            sb.append(".SH \"OPTIONS\"\n");
            options(sb, own);
        }
        if (!inherited.isEmpty()) {
            sb.append(".SH \"GLOBAL OPTIONS\"\n");
            sb.append("These apply to every command and may be given before or after its name.\n");
            options(sb, inherited);
        }
        footer(sb, spec); // the command's examples; the exit-code table is EXIT STATUS below
        exitStatus(sb);
        sb.append(".SH \"SEE ALSO\"\n\\fBnetkit\\fR(1)\n");
        return sb.toString();
    }

    private static String rootPage(CommandLine root, String readme) {
        CommandSpec spec = root.getCommandSpec();
        List<String> description = description(spec);
        StringBuilder sb = new StringBuilder(header("netkit", summary(description)));
        sb.append(".SH \"SYNOPSIS\"\n");
        sb.append(
                ".nf\n\\fBnetkit\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n");
        sb.append("\\fBnetkit\\fR [\\fB\\-h\\fR | \\fB\\-V\\fR]\n\\fBnetkit\\fR\n.fi\n");
        sb.append(".SH \"DESCRIPTION\"\n");
        paragraphs(sb, description);
        sb.append(
                ".PP\nWithout a command, on a terminal, netkit opens an interactive shell (a \\fBnetkit>\\fR prompt with "
                        + "completion and history); otherwise it prints its usage on stderr and exits 2.\n");
        sb.append(".SH \"COMMANDS\"\n");
        for (CommandLine sub : commands(root)) {
            sb.append(".TP\n\\fB")
                    .append(esc(sub.getCommandName()))
                    .append("\\fR\n")
                    .append(esc(summary(sub.getCommandSpec())) + ".")
                    .append(" See \\fBnetkit\\-")
                    .append(esc(sub.getCommandName()))
                    .append("\\fR(1).\n");
        }
        sb.append(".SH \"GLOBAL OPTIONS\"\n");
        List<OptionSpec> options = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                options.add(o);
            }
        }
        options(sb, options);
        exitStatus(sb);
        sb.append(".SH \"ENVIRONMENT\"\n");
        env(
                sb,
                "NO_COLOR",
                "When set and not empty, no colour with \\fB\\-\\-color=auto\\fR (the default); "
                        + "\\fB\\-\\-color=always\\fR still colours.");
        env(
                sb,
                "JAVA_HOME, NETKIT_JAVA_HOME",
                "The JDK the launcher runs when it is Java 25 or newer "
                        + "(NETKIT_JAVA_HOME wins). Otherwise the newest JDK 25+ on PATH or in the usual install folders.");
        env(
                sb,
                "NETKIT_JDK_DIRS",
                "Colon-separated folders the launcher searches for JDKs instead of /usr/lib/jvm, "
                        + "/opt, SDKMAN and the macOS folders.");
        env(
                sb,
                "NETKIT_AOT",
                "off: the launcher neither records nor uses the start-up archive (an AOT cache on JDK 25, "
                        + "a dynamic CDS archive on JDK 21-24). Default: recorded once per build and JDK, in the background.");
        env(
                sb,
                "NETKIT_AOT_DIR",
                "Where the start-up archives live; default target/aot in a checkout, "
                        + "$XDG_CACHE_HOME/netkit/aot (~/.cache/netkit/aot) for an installed netkit.");
        env(sb, "NETKIT_NO_BUILD", "In a checkout, never rebuild target/netkit.jar.");
        sb.append(".SH \"EXAMPLES\"\n");
        example(
                sb,
                "Which inputs are IP addresses (Node's net.isIP); exit 1 because 127.1 is not:",
                "netkit isip 1.2.3.4 ::1 127.1");
        example(
                sb,
                "Bulk mode: one input per line on stdin, only IPv4 counts:",
                "cut \\-d' ' \\-f1 access.log | netkit isip \\-4 | sort | uniq \\-c");
        example(
                sb,
                "Is anything listening on these ports (exit 0 when at least one is open)?",
                "netkit tcp\\-connect \\-z 127.0.0.1 22,80,8000\\-8100");
        example(sb, "Send a file and stop when the peer has it all:", "netkit tcp\\-connect HOST PORT < file");
        example(sb, "Serve one client, saving what it sends:", "netkit tcp\\-listen 9000 \\-o received.bin");
        example(sb, "A chat room for any telnet or nc client:", "netkit tcp\\-listen \\-\\-chat \\-k 9000");
        example(
                sb,
                "Every error as a JSON object on stderr, for scripts:",
                "netkit \\-\\-json tcp\\-connect \\-w 2s 127.0.0.1 9");
        List<String[]> table = translationTable(readme);
        if (!table.isEmpty()) {
            sb.append(".SH \"FROM NC, NCAT AND SOCAT\"\n");
            for (String[] row : table) {
                sb.append(".TP\n").append(markdown(row[0])).append('\n').append(markdown(row[1]));
                if (row.length > 2 && !row[2].isBlank()) {
                    sb.append(" \\(em ").append(markdown(row[2]));
                }
                sb.append('\n');
            }
        }
        sb.append(".SH \"SEE ALSO\"\n");
        List<String> refs = new ArrayList<>();
        for (CommandLine sub : commands(root)) {
            String n = sub.getCommandName();
            refs.add("\\fBnetkit\\-" + esc(n) + "\\fR(1)");
        }
        refs.add("\\fBnc\\fR(1)");
        refs.add("\\fBncat\\fR(1)");
        refs.add("\\fBsocat\\fR(1)");
        sb.append(String.join(", ", refs)).append('\n');
        return sb.toString();
    }

    private static void env(StringBuilder sb, String name, String text) {
        sb.append(".TP\n\\fB").append(esc(name)).append("\\fR\n").append(text).append('\n');
    }

    private static void example(StringBuilder sb, String what, String troffCommand) {
        sb.append(".PP\n")
                .append(esc(what))
                .append("\n.PP\n.RS 4\n.nf\n")
                .append(troffCommand)
                .append("\n.fi\n.RE\n");
    }

    /** The synopsis on one line, filled by troff to the reader's width (picocli would wrap it at 80 columns). */
    private static void synopsis(StringBuilder sb, CommandLine cl) {
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(10_000);
        CommandLine.Help help = new CommandLine.Help(
                cl.getCommandSpec(), CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        String text = help.synopsis(0).strip().replaceAll("\\s+", " ");
        String name = "netkit " + cl.getCommandName();
        String rest = text.startsWith(name) ? text.substring(name.length()) : " " + text;
        sb.append(".PP\n\\fB")
                .append(esc(name))
                .append("\\fR")
                .append(esc(rest))
                .append('\n');
    }

    private static void options(StringBuilder sb, List<OptionSpec> options) {
        for (OptionSpec o : options) {
            sb.append(".TP\n");
            List<String> names = new ArrayList<>();
            for (String n : o.names()) {
                names.add("\\fB" + esc(n) + "\\fR");
            }
            sb.append(String.join(", ", names));
            if (o.arity().max() > 0 && !o.paramLabel().isEmpty() && !isBooleanFlag(o)) {
                String label = "\\fI" + esc(o.paramLabel()) + "\\fR";
                sb.append(o.arity().min() == 0 ? "[=" + label + "]" : "=" + label);
            }
            sb.append('\n');
            paragraphs(sb, List.of(o.description()));
        }
    }

    private static boolean isBooleanFlag(OptionSpec o) {
        Class<?> t = o.type();
        return (t == boolean.class || t == Boolean.class || t == boolean[].class)
                && o.arity().max() <= 1
                && o.arity().min() == 0;
    }

    private static void footer(StringBuilder sb, CommandSpec spec) {
        String[] footer = spec.userObject()
                .getClass()
                .getAnnotation(picocli.CommandLine.Command.class)
                .footer();
        if (footer.length == 0) {
            return;
        }
        String heading = spec.usageMessage()
                .footerHeading()
                .replace("%n", "")
                .replace(":", "")
                .strip();
        sb.append(".SH \"")
                .append(esc(heading.isEmpty() ? "NOTES" : heading.toUpperCase(Locale.ROOT)))
                .append("\"\n");
        sb.append(".nf\n");
        for (String line : footer) {
            for (String l : line.replace("%n", "\n").replace("%%", "%").split("\n", -1)) {
                sb.append(escLine(l)).append('\n');
            }
        }
        sb.append(".fi\n");
    }

    private static void exitStatus(StringBuilder sb) {
        sb.append(".SH \"EXIT STATUS\"\n");
        for (ExitCode c : ExitCode.values()) {
            sb.append(".TP\n\\fB")
                    .append(c.code)
                    .append("\\fR\n")
                    .append(esc(c.description))
                    .append('\n');
        }
        sb.append(".PP\nErrors are one line on stderr starting with \\fBnetkit:\\fR (a JSON object with "
                + "\\fB\\-\\-json\\fR); a Java stack trace only with \\fB\\-\\-stacktrace\\fR.\n");
    }

    private static List<String> description(CommandSpec spec) {
        List<String> lines = new ArrayList<>();
        for (String d : spec.usageMessage().description()) {
            for (String l : d.replace("%n", "\n").replace("%%", "%").split("\n", -1)) {
                lines.add(l);
            }
        }
        return lines;
    }

    /** netkit's own commands, without picocli's {@code help}. */
    private static List<CommandLine> commands(CommandLine root) {
        return root.getSubcommands().values().stream()
                .filter(c -> !(c.getCommandSpec().userObject() instanceof CommandLine.HelpCommand))
                .toList();
    }

    /** A command's one-line summary (its header) for NAME and the command list. */
    private static String summary(CommandSpec spec) {
        String[] header = spec.usageMessage().header();
        return header.length > 0 ? header[0] : summary(description(spec));
    }

    private static String summary(List<String> description) {
        return description.isEmpty() ? "" : description.get(0).strip();
    }

    /** Lines as troff paragraphs; an empty line starts a new paragraph. */
    private static void paragraphs(StringBuilder sb, List<String> lines) {
        boolean first = true;
        for (String line : lines) {
            for (String l : line.replace("%n", "\n").replace("%%", "%").split("\n", -1)) {
                if (l.isBlank()) {
                    if (!first) {
                        sb.append(".PP\n");
                    }
                    continue;
                }
                sb.append(escLine(l.strip())).append('\n');
                first = false;
            }
        }
    }

    /** The README with the table under its "## Exit codes" heading generated from {@link ExitCode}. */
    static String withExitCodeTable(String readme) {
        int heading = readme.indexOf("\n## Exit codes\n");
        if (heading < 0) {
            return readme;
        }
        int start = readme.indexOf("\n| code |", heading);
        if (start < 0) {
            return readme;
        }
        start++;
        int end = start;
        while (end < readme.length() && readme.startsWith("|", end)) {
            int nl = readme.indexOf('\n', end);
            end = nl < 0 ? readme.length() : nl + 1;
        }
        return readme.substring(0, start) + ExitCode.markdownTable() + readme.substring(end);
    }

    // ---- README's translation table ----------------------------------------------------------------------

    /** The rows of the table under the README heading "## From nc, ncat and socat" (header row skipped). */
    static List<String[]> translationTable(String readme) {
        List<String[]> rows = new ArrayList<>();
        boolean inSection = false;
        int seen = 0;
        for (String line : readme.split("\n")) {
            if (line.startsWith("## ")) {
                inSection = line.strip().equalsIgnoreCase("## From nc, ncat and socat");
                continue;
            }
            if (!inSection || !line.strip().startsWith("|")) {
                continue;
            }
            seen++;
            if (seen <= 2) {
                continue; // header and --- rows
            }
            List<String> cells = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            String body = line.strip();
            for (int i = 1; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c == '\\' && i + 1 < body.length() && body.charAt(i + 1) == '|') {
                    cell.append('|');
                    i++;
                } else if (c == '|') {
                    cells.add(cell.toString().strip());
                    cell.setLength(0);
                } else {
                    cell.append(c);
                }
            }
            if (cells.size() >= 2) {
                rows.add(cells.toArray(new String[0]));
            }
        }
        return rows;
    }

    /** Markdown cell text to troff: `code` in bold, **bold** in bold, everything else escaped. */
    static String markdown(String md) {
        StringBuilder sb = new StringBuilder();
        boolean code = false;
        for (int i = 0; i < md.length(); i++) {
            char c = md.charAt(i);
            if (c == '`') {
                sb.append(code ? "\\fR" : "\\fB");
                code = !code;
            } else if (!code && c == '*' && i + 1 < md.length() && md.charAt(i + 1) == '*') {
                i++;
            } else {
                sb.append(esc(String.valueOf(c)));
            }
        }
        if (code) {
            sb.append("\\fR");
        }
        String s = sb.toString();
        return s.startsWith(".") || s.startsWith("'") ? "\\&" + s : s;
    }

    // ---- troff escaping --------------------------------------------------------------------------------

    /** Escapes text for troff: backslashes, and dashes as minus signs so options copy and paste. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\e");
                case '-' -> sb.append("\\-");
                case '\'' -> sb.append("\\*(Aq");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** An escaped line that troff will not read as a request (lines starting with . or '). */
    static String escLine(String s) {
        String e = esc(s);
        return e.startsWith(".") || e.startsWith("\\*(Aq") ? "\\&" + e : e;
    }
}
