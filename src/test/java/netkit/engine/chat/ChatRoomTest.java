package netkit.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChatRoomTest {

    @Test
    void scriptedConversationCoversEveryCommandAndNotice() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            // greeting with the online count (the console user) and the nickname prompt
            ChatClient alice = f.connect();
            alice.expect("* welcome to netkit chat (1 online)", "* choose a nickname (1-32 letters, digits, _ - .):");
            // nickname rules, each with its reason, asked again
            alice.send("al ice");
            alice.expect("! ' ' is not allowed (use letters, digits, _ - .); choose another nickname:");
            alice.send("a".repeat(33));
            alice.expect("! a nickname has at most 32 characters (this one has 33); choose another nickname:");
            alice.send("SERVER");
            alice.expect("! 'SERVER' is the server's name; choose another nickname:");
            for (String fake : new String[] {"Server.", "server_", "s3rv3r", "-SeRvEr-"}) {
                alice.send(fake);
                alice.expect("! '" + fake + "' looks like the server's name 'server'; choose another nickname:");
            }
            // a refused character is named, never shown as the backslash of its escape
            alice.sendRaw("evil\u202elive\n".getBytes(StandardCharsets.UTF_8));
            alice.expect("! U+202E RIGHT-TO-LEFT OVERRIDE is not allowed (use letters, digits, _ - .); "
                    + "choose another nickname:");
            alice.sendRaw(new byte[] {'a', 0x1b, '[', '2', 'J', '\n'});
            alice.expect("! U+001B ESCAPE is not allowed (use letters, digits, _ - .); choose another nickname:");
            alice.sendRaw(new byte[] {'a', (byte) 0xff, '\n'});
            alice.expect(
                    "! byte 0xff (not UTF-8) is not allowed (use letters, digits, _ - .); choose another nickname:");
            alice.send("jos\u00e9");
            alice.expect(
                    "! '\u00e9' (U+00E9 LATIN SMALL LETTER E WITH ACUTE) is not allowed (use letters, digits, _ - .); "
                            + "choose another nickname:");
            alice.send("");
            alice.expect("* choose a nickname (1-32 letters, digits, _ - .):");
            alice.send("alice");
            alice.expect("* welcome, alice (2 online). /help lists the commands");
            f.awaitLog(l -> l.equals("* alice joined (2 online)"));

            ChatClient bob = f.connect();
            bob.expect("* welcome to netkit chat (2 online)", "* choose a nickname (1-32 letters, digits, _ - .):");
            bob.send("ALICE");
            bob.expect("! 'ALICE' is taken; choose another nickname:");
            bob.send("  bob_1.x-y  ");
            bob.expect("* welcome, bob_1.x-y (3 online). /help lists the commands");
            alice.expect("* bob_1.x-y joined (3 online)");

            // a plain line reaches everyone else, never the sender: bob's next line is his /list reply
            alice.send("hello all");
            bob.expect("<alice> hello all");
            f.awaitLog(l -> l.equals("<alice> hello all"));
            alice.send("/list");
            alice.expect("* 3 online: alice, bob_1.x-y, server");

            // rename, announced to everyone including the renamed
            bob.send("/nick Bob");
            bob.expect("* bob_1.x-y is now known as Bob");
            alice.expect("* bob_1.x-y is now known as Bob");
            bob.send("/nick Alice");
            bob.expect("! 'Alice' is taken");
            bob.send("/nick");
            bob.expect("! usage: /nick NEW");
            bob.send("/nick Server.");
            bob.expect("! 'Server.' looks like the server's name 'server'");
            bob.sendRaw("/nick B\u200bob\n".getBytes(StandardCharsets.UTF_8));
            bob.expect("! U+200B ZERO WIDTH SPACE is not allowed (use letters, digits, _ - .)");

            // private message only to NAME, confirmed to the sender; an unknown NAME gets an error line
            alice.send("/msg bob psst, only you");
            bob.expect("*alice* psst, only you");
            alice.expect("-> *Bob* psst, only you");
            f.awaitLog(l -> l.equals("*alice -> Bob* psst, only you"));
            alice.send("/msg nobody hi");
            alice.expect("! no user named 'nobody' (/list shows who is online)");
            alice.send("/msg bob");
            alice.expect("! usage: /msg NAME TEXT");
            alice.send("/msg server hi boss");
            alice.expect("-> *server* hi boss");
            f.awaitLog(l -> l.equals("*alice* hi boss"));

            // help, unknown commands, a line that starts with / sent with //
            bob.send("/help");
            assertEquals("* commands:", bob.next());
            String helpLine;
            StringBuilder help = new StringBuilder();
            while (!(helpLine = bob.next()).startsWith("* any other line")) {
                help.append(helpLine).append('\n');
            }
            for (String cmd : new String[] {"/nick", "/msg", "/list", "/help", "/quit", "byebye"}) {
                assertTrue(help.toString().contains(cmd), cmd + " in " + help);
            }
            bob.send("/dance");
            bob.expect("! unknown command /dance (/help lists the commands; //TEXT sends /TEXT)");
            bob.send("//dance is not a command");
            alice.expect("<Bob> /dance is not a command");

            // the console user speaks and whispers through the server's stdin
            f.console("welcome everyone\n/msg alice you are first\n/list\n");
            alice.expect("<server> welcome everyone", "*server* you are first");
            bob.expect("<server> welcome everyone");
            f.awaitLog(l -> l.equals("*server -> alice* you are first"));
            f.awaitLog(l -> l.equals("* 3 online: alice, Bob, server"));

            // /quit and byebye leave, announced with the new count
            ChatClient carol = f.join("carol");
            alice.expect("* carol joined (4 online)");
            bob.expect("* carol joined (4 online)");
            carol.send("/quit");
            carol.expect("* bye");
            assertTrue(carol.awaitClosedByServer());
            alice.expect("* carol left (3 online)");
            bob.expect("* carol left (3 online)");
            bob.send("byebye");
            bob.expect("* bye");
            assertTrue(bob.awaitClosedByServer());
            alice.expect("* Bob left (2 online)");
            f.awaitLog(l -> l.equals("* Bob left (2 online)"));

            // the console's /quit closes the room: the members are told before the listener stops
            f.console("/quit\n");
            alice.expect("* the server is closing the room");
            assertTrue(alice.awaitClosedByServer());
            f.awaitLog(l -> l.equals("* the server is closing the room"));
            f.awaitStopped();
            assertTrue(f.failures.isEmpty(), f.failures.toString());
        }
    }

    @Test
    void crlfClientsGetCrlfLineEndsAndLfClientsGetLf() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient lf = f.join("lf");
            ChatClient crlf = new ChatClient(f.port, true).reading();
            crlf.awaitLine(l -> l.startsWith("* choose"));
            crlf.sendRaw("crlf\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("* welcome, crlf (3 online). /help lists the commands\r\n", crlf.next());
            lf.expect("* crlf joined (3 online)");
            crlf.sendRaw("hi from windows\r\n".getBytes(StandardCharsets.US_ASCII));
            lf.expect("<crlf> hi from windows");
            lf.send("hi from unix");
            assertEquals("<lf> hi from unix\r\n", crlf.next());
            crlf.close();
        }
    }

    @Test
    void crlfClientsLongLineWarningEndsWithCrlfToo() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient crlf = new ChatClient(f.port, true).reading();
            crlf.awaitLine(l -> l.startsWith("* choose"));
            crlf.sendRaw("crlf\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("* welcome, crlf (2 online). /help lists the commands\r\n", crlf.next());
            crlf.sendRaw(("x".repeat(5000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals(
                    "! your line was longer than 4096 bytes: only its first 4096 bytes were used\r\n", crlf.next());
            crlf.sendRaw("/list\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("* 2 online: crlf, server\r\n", crlf.next());
            crlf.close();
        }
    }

    @Test
    void longLineIsCutToTheLimitAndTheSenderWarned() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient a = f.join("a");
            ChatClient b = f.join("b");
            a.awaitLine(l -> l.equals("* b joined (3 online)"));
            String text = "x".repeat(10_000);
            a.send(text);
            a.expect("! your line was longer than 4096 bytes: only its first 4096 bytes were used");
            String got = b.next();
            assertEquals("<a> " + "x".repeat(4096), got);
            a.send("after the long line");
            b.expect("<a> after the long line");
            // exactly 4096 bytes and CRLF is not cut
            a.sendRaw(("y".repeat(4096) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.expect("<a> " + "y".repeat(4096));
            a.send("/list");
            a.expect("* 3 online: a, b, server");
        }
    }

    @Test
    void controlCharactersAreEscapedSoNoTerminalSequenceReachesOthers() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient a = f.join("a");
            ChatClient b = f.join("b");
            a.awaitLine(l -> l.equals("* b joined (3 online)"));
            a.sendRaw(new byte[] {'\u001b', '[', '2', 'J', 'h', 'i', '\t', 'x', 0x07, 0x7f, '\r', 'z', '\n'});
            b.expect("<a> \\x1b[2Jhi\tx\\x07\\x7f\\x0dz");
            a.sendRaw("c1 \u009b bidi \u202e end\n".getBytes(StandardCharsets.UTF_8));
            b.expect("<a> c1 \\u009b bidi \\u202e end");
            a.sendRaw(new byte[] {'b', 'a', 'd', ' ', (byte) 0xff, (byte) 0xc3, '(', ' ', (byte) 0xc3, (byte) 0xa9, '\n'
            });
            b.expect("<a> bad \\xff\\xc3( é");
            f.awaitLog(l -> l.startsWith("<a> bad"));
        }
    }

    @Test
    void nonReadingClientIsDisconnectedWhileOthersStillGetEveryMessage() throws Exception {
        ChatOptions small =
                new ChatOptions(ChatOptions.DEFAULT_MAX_LINE_BYTES, 64 * 1024, 0, ChatOptions.DEFAULT_CONSOLE_NAME);
        try (RoomFixture f = new RoomFixture(small)) {
            ChatClient talker = f.join("talker");
            ChatClient listener = f.join("listener");
            // a client that joins and then never reads again, with a small receive window
            ChatClient sleeper = new ChatClient(f.port, false, 4096);
            sleeper.send("sleeper");
            listener.awaitLine(l -> l.equals("* sleeper joined (4 online)"));
            talker.awaitLine(l -> l.equals("* sleeper joined (4 online)"));

            String chunk = "m".repeat(4000);
            int sent = 0;
            String left = null;
            // bounded: at most 64 MiB, far beyond the outbox plus every kernel buffer
            while (sent < 16_000) {
                talker.send(sent + " " + chunk);
                String got = listener.next();
                if (got.equals("* sleeper left (3 online)")) {
                    left = got;
                    break;
                }
                assertEquals("<talker> " + sent + " " + chunk, got, "the listener gets every line in order");
                sent++;
            }
            assertEquals("* sleeper left (3 online)", left);
            talker.awaitLine(l -> l.equals("* sleeper left (3 online)"));
            String reason = f.leaves.poll(5, TimeUnit.SECONDS);
            assertTrue(reason != null && reason.startsWith("sleeper: not reading"), String.valueOf(reason));
            // the room goes on
            talker.send("still here");
            listener.expect("<talker> " + (sent) + " " + chunk, "<talker> still here");
        }
    }

    @Test
    void aMemberLeavingInTheMiddleOfAFloodCostsTheOthersNoLineAndNoOrder() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient talker = f.join("talker");
            List<ChatClient> listeners = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                listeners.add(f.join("l" + i));
            }
            ChatClient leaver = f.join("leaver");
            // the last join notice (merged ones name only the first few): talker, 20, leaver and the server
            for (ChatClient c : listeners) {
                c.awaitLine(l -> l.endsWith(" joined (23 online)"));
            }
            talker.awaitLine(l -> l.endsWith(" joined (23 online)"));
            String pad = "x".repeat(300);
            int lines = 400;
            for (int i = 0; i < lines; i++) {
                talker.send("line " + i + " " + pad);
                if (i == lines / 2) { // gone with unread lines, while the broadcasts go on
                    leaver.socket.setSoLinger(true, 0);
                    leaver.close();
                }
            }
            for (ChatClient c : listeners) {
                int next = 0;
                while (next < lines) {
                    String got = c.next();
                    if (got.startsWith("* leaver left")) {
                        continue;
                    }
                    assertEquals("<talker> line " + next + " " + pad, got);
                    next++;
                }
            }
            f.awaitLog(l -> l.startsWith("* leaver left"));
            assertTrue(f.failures.isEmpty(), f.failures.toString());
        }
    }

    @Test
    void membersWhoTakeNicknamesOutOfTheirOrderOfArrivalAndLeaveInAnotherAllGetWhatIsSaid() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            // arrival order a, b, c, d, e; nicknames taken in the order d, b, e, a, c
            List<ChatClient> arrived = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ChatClient c = f.connect();
                c.awaitLine(l -> l.startsWith("* choose a nickname"));
                arrived.add(c);
            }
            String[] names = {"a", "b", "c", "d", "e"};
            for (int i : new int[] {3, 1, 4, 0, 2}) {
                arrived.get(i).send(names[i]);
                String welcome = "* welcome, " + names[i] + " ";
                arrived.get(i).awaitLine(l -> l.startsWith(welcome));
            }
            // b and e leave (the second and last to arrive among the rest), then everyone left hears each other
            for (int i : new int[] {1, 4}) {
                arrived.get(i).send("/quit");
                String left = "* " + names[i] + " left";
                f.awaitLog(l -> l.startsWith(left));
            }
            for (int speaker : new int[] {0, 2, 3}) {
                arrived.get(speaker).send("from " + names[speaker]);
                for (int listener : new int[] {0, 2, 3}) {
                    if (listener != speaker) {
                        String said = "<" + names[speaker] + "> from " + names[speaker];
                        arrived.get(listener).awaitLine(l -> l.equals(said));
                    }
                }
            }
            // a late arrival joins after the leaves and hears the others too
            ChatClient late = f.join("late");
            arrived.get(3).send("to all");
            late.awaitLine(l -> l.equals("<d> to all"));
            arrived.get(0).awaitLine(l -> l.equals("<d> to all"));
            arrived.get(2).awaitLine(l -> l.equals("<d> to all"));
        }
    }

    @Test
    void killedClientLeaveIsAnnounced() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient a = f.join("a");
            ChatClient victim = f.join("victim");
            a.expect("* victim joined (3 online)");
            // an abortive close (RST), as when the client's process dies with unread data
            victim.socket.setSoLinger(true, 0);
            victim.close();
            a.expect("* victim left (2 online)");
            f.awaitLog(l -> l.equals("* victim left (2 online)"));
        }
    }

    @Test
    void killedClientProcessLeaveIsAnnounced() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient a = f.join("a");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(
                            java,
                            "-cp",
                            System.getProperty("java.class.path"),
                            KillableChatClient.class.getName(),
                            String.valueOf(f.port),
                            "doomed")
                    .redirectErrorStream(true)
                    .start();
            try {
                a.awaitLine(l -> l.equals("* doomed joined (3 online)"));
                p.destroyForcibly();
                assertTrue(p.waitFor(10, TimeUnit.SECONDS));
                a.expect("* doomed left (2 online)");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void roomFullGetsServerFullLineAndClose() throws Exception {
        try (RoomFixture f = new RoomFixture(ChatOptions.defaults().withMaxConnections(2))) {
            ChatClient a = f.join("a");
            ChatClient b = f.connect();
            b.awaitLine(l -> l.startsWith("* choose"));
            ChatClient c = f.connect();
            c.expect("! server full (2 connections), try again later");
            assertTrue(c.awaitClosedByServer());
            b.send("b");
            a.expect("* b joined (3 online)");
        }
    }

    @Test
    void randomBytesNeverRaiseAndTheRoomKeepsWorking() throws Exception {
        java.util.Random random = new java.util.Random(0x5eed);
        try (RoomFixture f = new RoomFixture()) {
            ChatClient witness = f.join("witness");
            for (int round = 0; round < 40; round++) {
                try (Socket s = new Socket("127.0.0.1", f.port)) {
                    var out = s.getOutputStream();
                    // half the rounds join first, so the bytes run through commands and broadcasts
                    if (round % 2 == 0) {
                        out.write(("fz" + round + "\n").getBytes(StandardCharsets.US_ASCII));
                    }
                    for (int k = 0; k < 8; k++) {
                        byte[] junk = new byte[random.nextInt(6000)];
                        random.nextBytes(junk);
                        // bias towards the interesting bytes: line ends, slashes, escapes
                        for (int i = 0; i < junk.length; i += 1 + random.nextInt(40)) {
                            junk[i] = new byte[] {'\n', '\r', '/', 0x1b, (byte) 0xc3, ' '}[random.nextInt(6)];
                        }
                        out.write(junk);
                    }
                    out.write("/quit\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            witness.send("/list");
            witness.awaitLine(l -> l.startsWith("* ") && l.contains(" online: ") && l.contains("witness"));
            // every fuzzing client has gone: the listener closed all 40 and holds the witness only
            for (int i = 0; i < 40; i++) {
                assertTrue(f.closed.poll(5, TimeUnit.SECONDS) != null, "fuzzing client " + i + " was not closed");
            }
            // the close event comes before the listener forgets the connection: wait for the count, bounded
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (f.listener.connectionCount() != 1 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            assertEquals(1, f.listener.connectionCount());
            witness.send("/list");
            assertEquals("* 2 online: server, witness", witness.awaitLine(l -> l.startsWith("* 2 online: ")));
            assertTrue(f.failures.isEmpty(), f.failures.toString());
        }
    }

    @Test
    void joinStormAnnouncesEveryLaterJoinToEachMemberInOrderMergingBursts() throws Exception {
        int n = 150;
        try (RoomFixture f = new RoomFixture()) {
            java.util.List<ChatClient> clients = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                ChatClient c = f.connect();
                c.awaitLine(l -> l.startsWith("* choose"));
                clients.add(c);
            }
            // everyone sends a nickname at once; then everyone says one line
            for (int i = 0; i < n; i++) {
                clients.get(i).send("u" + i);
            }
            int[] countAtWelcome = new int[n];
            for (int i = 0; i < n; i++) {
                String w = clients.get(i).awaitLine(l -> l.startsWith("* welcome, "));
                countAtWelcome[i] = Integer.parseInt(w.substring(w.indexOf('(') + 1, w.indexOf(" online)")));
            }
            for (ChatClient c : clients) {
                c.send("end");
            }
            // each member saw a strictly increasing online count in the join notices (single, or
            // merged as "* a, b, c, d, e and N others joined (C online)" when many came at once),
            // never its own single notice, no name twice, at least every join after its own,
            // and then the n - 1 "end" lines of the others
            int merged = 0;
            for (int i = 0; i < n; i++) {
                ChatClient c = clients.get(i);
                java.util.Set<String> joined = new java.util.HashSet<>();
                int covered = 0;
                int ends = 0;
                int lastCount = 0;
                while (ends < n - 1) {
                    String l = c.next();
                    if (l.endsWith(" online)") && l.contains(" joined (")) {
                        String who = l.substring(2, l.indexOf(" joined"));
                        int count = Integer.parseInt(l.substring(l.indexOf('(') + 1, l.indexOf(" online)")));
                        assertTrue(count > lastCount, l);
                        lastCount = count;
                        assertEquals(0, ends, "a join notice after the chat lines: " + l);
                        java.util.List<String> names = new java.util.ArrayList<>(java.util.List.of(who.split(", ")));
                        String tail = names.remove(names.size() - 1);
                        if (tail.contains(" and ")) {
                            names.add(tail.substring(0, tail.indexOf(" and ")));
                            covered += Integer.parseInt(
                                    tail.substring(tail.indexOf(" and ") + 5, tail.indexOf(" others")));
                            merged++;
                        } else {
                            names.add(tail);
                        }
                        if (names.size() == 1 && !tail.contains(" and ")) {
                            assertFalse(who.equals("u" + i), "own notice: " + l);
                        }
                        for (String name : names) {
                            assertTrue(joined.add(name), "twice: " + name + " in " + l);
                        }
                        covered += names.size();
                    } else if (l.endsWith("> end")) {
                        ends++;
                    } else if (!l.startsWith("* ")) {
                        throw new AssertionError("unexpected " + l);
                    }
                }
                assertTrue(covered >= n + 1 - countAtWelcome[i], "u" + i + " heard of " + covered + " joins");
                if (countAtWelcome[i] < n + 1) {
                    assertEquals(n + 1, lastCount, "the last notice shows the full room for u" + i);
                }
            }
            System.out.println("join storm of " + n + ": " + merged + " merged notices seen");
            clients.get(0).send("/list");
            String list = clients.get(0).next();
            assertTrue(list.startsWith("* " + (n + 1) + " online: "), list);
            assertTrue(f.failures.isEmpty(), f.failures.toString());
        }
    }

    @Test
    void aMemberServedByTheListenerLeavesWhenItsConnectionIsClosedByTheHost() throws Exception {
        try (RoomFixture f = new RoomFixture()) {
            ChatClient a = f.join("a");
            ChatClient b = f.join("b");
            a.expect("* b joined (3 online)");
            // like /kick in the REPL: the host closes the connection under the member
            for (netkit.engine.tcp.Connection c : f.listener.connections()) {
                if (c.remote().port() == b.socket.getLocalPort()) {
                    c.close();
                }
            }
            a.expect("* b left (2 online)");
            assertTrue(b.awaitClosedByServer());
            assertTrue(f.closed.poll(5, TimeUnit.SECONDS) != null, "the listener reports the close");
            a.send("/list");
            a.expect("* 2 online: a, server");
        }
    }
}
