package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import netkit.Stdio;
import netkit.cli.Netkit;
import org.jline.reader.Candidate;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Parser.ParseContext;
import org.jline.reader.impl.DefaultParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code netkit>} shell driven through a dumb terminal, with the real command line. */
@Timeout(20)
class ShellTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Stdio stdio = Stdio.of(
                    new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, StandardCharsets.UTF_8))
            .withTerminals(true, true, false);

    private CompletableFuture<Integer> start(
            TestTerminal term, java.util.function.Function<Stdio, CommandLine> factory, Path history)
            throws InterruptedException {
        Shell shell = new Shell(term.terminal, stdio, factory, false, history);
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                result.complete(shell.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        term.await(Shell.PROMPT);
        return result;
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsCommandsAndGoesOnAfterAFailure(@TempDir Path dir) throws Exception {
        Path history = dir.resolve("history");
        try (TestTerminal term = new TestTerminal()) {
            CompletableFuture<Integer> shell = start(term, Netkit::commandLine, history);
            term.type("isip --bogus\r");
            term.type("isip 1.2.3.4 \"::1\" nope\r");
            term.type("exit\r");
            assertEquals(0, shell.get(10, TimeUnit.SECONDS));
            assertEquals("4\n6\n0\n", out.toString(StandardCharsets.UTF_8));
            assertTrue(err().contains("netkit: unknown option: '--bogus'\nexit 2\n"), err());
            assertTrue(err().contains("exit 1\n"), "isip's exit status 1 is reported: " + err());
            List<String> saved = Files.readAllLines(history);
            assertTrue(saved.get(0).endsWith("isip --bogus"), saved.toString());
        }
    }

    @Test
    void aCommandReadingStdinGetsTypedLinesUntilCtrlD() throws Exception {
        try (TestTerminal term = new TestTerminal()) {
            CompletableFuture<Integer> shell = start(term, Netkit::commandLine, null);
            term.type("isip\r");
            term.type("1.2.3.4\r::1\r\u0004");
            term.type("isip 10.1.1.1\r");
            term.type("exit\r");
            assertEquals(0, shell.get(10, TimeUnit.SECONDS));
            assertEquals("4\n6\n4\n", out.toString(StandardCharsets.UTF_8), "Ctrl-D ended isip's input, not the shell");
        }
    }

    @Test
    void aStdinReadLeftBehindByACommandDoesNotStealTheNextPromptsLine() throws Exception {
        java.util.concurrent.LinkedBlockingQueue<Integer> leftover = new java.util.concurrent.LinkedBlockingQueue<>();
        @Command(name = "leaver")
        class Leaver implements java.util.concurrent.Callable<Integer> {
            @picocli.CommandLine.Parameters(arity = "0..*")
            List<String> words;

            Stdio stdio;

            @Override
            public Integer call() {
                // like a relay whose peer closed first: the stdin pump is still reading
                Thread.ofVirtual().start(() -> {
                    try {
                        leftover.add(stdio.in().read(new byte[64]));
                    } catch (java.io.IOException e) {
                        leftover.add(-2);
                    }
                });
                return 0;
            }
        }
        try (TestTerminal term = new TestTerminal()) {
            CompletableFuture<Integer> shell = start(
                    term,
                    s -> {
                        Leaver l = new Leaver();
                        l.stdio = s;
                        return new CommandLine(l);
                    },
                    null);
            term.type("leaver\r");
            assertEquals(-1, leftover.poll(15, TimeUnit.SECONDS), "the leftover read ended with end of input");
            term.type("exit\r");
            assertEquals(0, shell.get(10, TimeUnit.SECONDS), "the shell read 'exit' itself");
        }
    }

    @Test
    void ctrlDLeavesAndHelpPrintsUsage() throws Exception {
        try (TestTerminal term = new TestTerminal()) {
            CompletableFuture<Integer> shell = start(term, Netkit::commandLine, null);
            term.type("help isip\r");
            term.type("\u0004");
            assertEquals(0, shell.get(10, TimeUnit.SECONDS));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage: netkit isip"));
        }
    }

    @Test
    void ctrlCInARunningSessionReturnsToThePrompt() throws Exception {
        try (ServerSocketChannel server =
                        ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                TestTerminal term = new TestTerminal()) {
            AtomicReference<SessionRepl.End> end = new AtomicReference<>();
            @Command(name = "talk")
            class Talk implements java.util.concurrent.Callable<Integer> {
                @picocli.CommandLine.Parameters(arity = "0..*")
                List<String> words;

                @Override
                public Integer call() throws Exception {
                    LoopbackSession session = new LoopbackSession(SocketChannel.open(server.getLocalAddress()));
                    end.set(Interactive.run(session, new ReplOptions(false, false, false)));
                    return end.get() == SessionRepl.End.INTERRUPTED ? 130 : 0;
                }
            }
            CompletableFuture<Integer> shell = start(term, s -> new CommandLine(new Talk()), null);
            term.type("talk\r");
            try (SocketChannel peer = server.accept()) {
                term.await("session with loopback");
                term.type("hi\r");
                ByteBuffer b = ByteBuffer.allocate(3);
                while (b.hasRemaining() && peer.read(b) >= 0) {
                    // read the line
                }
                assertEquals("hi\n", new String(b.array(), StandardCharsets.UTF_8));
                term.type("\u0003");
                assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "Ctrl-C closed the session");
            }
            term.type("exit\r");
            assertEquals(0, shell.get(10, TimeUnit.SECONDS), "the shell went on after the session");
            assertTrue(err().contains("exit 130\n"), err());
            assertEquals(SessionRepl.End.INTERRUPTED, end.get());
        }
    }

    @Test
    void completesCommandsOptionsAndInterfaceNames() throws Exception {
        try (TestTerminal term = new TestTerminal()) {
            var reader = LineReaderBuilder.builder().terminal(term.terminal).build();
            var completer = new Shell.NetkitCompleter(Netkit.commandLine(stdio));
            assertTrue(complete(completer, reader, "is").contains("isip"));
            assertTrue(complete(completer, reader, "").contains("exit"));
            assertTrue(complete(completer, reader, "isip -").contains("--json"));
            assertTrue(
                    complete(completer, reader, "multicast-join --interface ").contains("lo"));
            assertTrue(
                    complete(completer, reader, "multicast-join --interface=").contains("--interface=lo"));
        }
    }

    private static List<String> complete(
            Shell.NetkitCompleter completer, org.jline.reader.LineReader reader, String text) {
        var line = new DefaultParser().parse(text, text.length(), ParseContext.COMPLETE);
        List<Candidate> candidates = new ArrayList<>();
        completer.complete(reader, line, candidates);
        return candidates.stream().map(Candidate::value).toList();
    }
}
