package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import netkit.Stdio;
import netkit.cli.CommandLineRulesTest.Run;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** Help that teaches (issue 18.8): suggestions, nc habits, examples, short NAME lines, help CMD, -h CMD. */
class HelpThatTeachesTest {
    private static Run run(String... args) {
        return CommandLineRulesTest.run(args);
    }

    private static String stdout(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Stdio stdio = Stdio.of(
                InputStream.nullInputStream(),
                out,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(0, Netkit.commandLine(stdio, args).execute(args), String.join(" ", args));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aMistypedCommandOrOptionGetsDidYouMean() {
        Run command = run("tcp-conect", "127.0.0.1", "1");
        assertEquals(2, command.exit());
        assertTrue(command.err().contains("did you mean tcp-connect"), command.err());
        Run option = run("tcp-connect", "--verbos", "127.0.0.1", "1");
        assertEquals(2, option.exit());
        assertTrue(option.err().contains("--verbose?"), option.err());
        assertEquals(1, option.err().lines().count(), option.err());
    }

    @Test
    void ncHabitsGetTheNetkitCommandInOneLine() {
        assertTrue(run("-l", "8080").err().endsWith("with netkit that is: netkit tcp-listen 8080\n"));
        assertTrue(run("-lu", "8080").err().endsWith("with netkit that is: netkit udp-listen 8080\n"));
        assertTrue(run("-z", "host", "80").err().endsWith("with netkit that is: netkit tcp-connect -z host 80\n"));
        Run hostPort = run("example.com", "80");
        assertEquals(2, hostPort.exit());
        assertTrue(hostPort.err().endsWith("with netkit that is: netkit tcp-connect example.com 80\n"), hostPort.err());
    }

    @Test
    void everyCommandsHelpRendersWithoutAPicocliWarning() {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            for (Class<? extends BaseCommand> c : Netkit.COMMANDS) {
                stdout(c.getAnnotation(Command.class).name(), "--help");
            }
        } finally {
            System.setErr(saved);
        }
        // picocli prints a format error (an unescaped % in a help text) to the real stderr, in front of the help
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandsHelpHasExamplesAndTheExitCodesOnce() {
        for (Class<? extends BaseCommand> c : Netkit.COMMANDS) {
            String name = c.getAnnotation(Command.class).name();
            String help = stdout(name, "--help");
            assertTrue(help.contains("Examples:\n  # "), name + ":\n" + help);
            assertTrue(help.contains("\n  netkit " + name) || help.contains("| netkit " + name), name + ":\n" + help);
            assertEquals(1, help.split("Exit codes:", -1).length - 1, name);
        }
    }

    @Test
    void theCommandListHasOneLinePerCommand() {
        String help = stdout("--help");
        String list = help.substring(help.indexOf("Commands:\n") + 10);
        for (String line : list.lines().takeWhile(l -> !l.isBlank()).toList()) {
            assertTrue(line.matches("  \\S+ +\\S.*"), "a wrapped command summary: '" + line + "'\n" + help);
        }
    }

    @Test
    void helpCmdAndDashHCmdShowThatCommandsHelp() {
        String direct = stdout("udp-send", "--help");
        assertEquals(direct, stdout("help", "udp-send"));
        assertEquals(direct, stdout("-h", "udp-send"));
    }

    @Test
    void manPagesHaveOneLineNamesExamplesAndOneExitStatus() throws Exception {
        Map<String, String> files = Docs.generate(Path.of("README.md"));
        for (Map.Entry<String, String> f : files.entrySet()) {
            if (!f.getKey().startsWith("man/netkit-")) {
                continue;
            }
            String page = f.getValue();
            String name = page.substring(page.indexOf(".SH \"NAME\"\n") + 11)
                    .lines()
                    .findFirst()
                    .orElseThrow();
            assertTrue(name.length() < 100, f.getKey() + ": " + name);
            assertTrue(page.contains(".SH \"EXAMPLES\""), f.getKey());
            assertEquals(1, page.split("\\.SH \"EXIT STATUS\"", -1).length - 1, f.getKey());
            assertTrue(!page.contains("Exit codes"), f.getKey());
        }
    }
}
