package netkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import netkit.Stdio;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class CommandRegistryTest {
    private static Stdio quiet() {
        return Stdio.of(
                new ByteArrayInputStream(new byte[0]),
                new ByteArrayOutputStream(),
                new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void commandsAreRegisteredInNetkitCommandsNotInTheAnnotation() {
        Class<?>[] annotated = Netkit.class.getAnnotation(Command.class).subcommands();
        assertEquals(
                0,
                annotated.length,
                "move each class from @Command(subcommands = {...}) in Netkit.java to Netkit.COMMANDS (one line each): "
                        + "annotated subcommands are built on every start, even when another command runs");
    }

    @Test
    void everyRegisteredCommandIsABaseCommandWithADistinctName() {
        List<String> names = Netkit.COMMANDS.stream()
                .map(c -> c.getAnnotation(Command.class).name())
                .toList();
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
        assertTrue(names.contains("isip"));
    }

    @Test
    void aRunBuildsOnlyTheInvokedCommandsModel() {
        CommandLine cl = Netkit.commandLine(quiet(), new String[] {"-v", "--json", "isip", "1.2.3.4"});
        assertEquals(List.of("isip"), List.copyOf(cl.getSubcommands().keySet()));
    }

    @Test
    void helpNoCommandAndUnknownCommandsBuildThemAll() {
        int all = Netkit.COMMANDS.size() + 1; // and picocli's help
        assertEquals(
                all,
                Netkit.commandLine(quiet(), new String[] {"--help"})
                        .getSubcommands()
                        .size());
        assertEquals(
                all, Netkit.commandLine(quiet(), new String[0]).getSubcommands().size());
        assertEquals(
                all,
                Netkit.commandLine(quiet(), new String[] {"isipp", "1"})
                        .getSubcommands()
                        .size());
        assertEquals(
                all,
                Netkit.commandLine(quiet(), new String[] {"--", "isip"})
                        .getSubcommands()
                        .size());
        assertEquals(all, Netkit.commandLine(quiet()).getSubcommands().size());
    }
}
