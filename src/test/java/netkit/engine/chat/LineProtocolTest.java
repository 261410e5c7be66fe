package netkit.engine.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure parts of the room: line splitting, text cleaning, nickname rules, command parsing. */
class LineProtocolTest {

    private static List<String> split(int limit, String... chunks) {
        LineSplitter s = new LineSplitter(limit);
        List<String> out = new ArrayList<>();
        LineSplitter.Sink sink = (b, n, cut, crlf) -> {
            out.add(new String(b, 0, n, StandardCharsets.ISO_8859_1) + (cut ? "|cut" : "") + (crlf ? "|crlf" : ""));
            return true;
        };
        for (String c : chunks) {
            s.feed(ByteBuffer.wrap(c.getBytes(StandardCharsets.ISO_8859_1)), sink);
        }
        s.finish(sink);
        return out;
    }

    @Test
    void linesEndWithLfOrCrlfAcrossChunksAndALastLineWithoutEndCounts() {
        assertEquals(List.of("a", "b|crlf", "", "cd", "tail"), split(64, "a\nb\r", "\n\nc", "d\ntail"));
    }

    @Test
    void aLineOverTheLimitIsCutOnceAndItsRestDropped() {
        String limit64 = "x".repeat(64);
        assertEquals(List.of(limit64 + "|cut", "next"), split(64, limit64 + "yyyyyyyy" + "z".repeat(500), "\nnext\n"));
        assertEquals(List.of(limit64 + "|crlf"), split(64, limit64 + "\r\n"));
        assertEquals(List.of(limit64), split(64, limit64 + "\n"));
        assertEquals(List.of(limit64 + "|cut"), split(64, limit64 + "\rq\n"));
    }

    @Test
    void nicknameRulesGiveTheReason() {
        assertNull(ChatText.nicknameProblem("a"));
        assertNull(ChatText.nicknameProblem("Az09_-." + "b".repeat(25)));
        assertEquals("a nickname cannot be empty", ChatText.nicknameProblem(""));
        assertEquals(
                "a nickname has at most 32 characters (this one has 33)", ChatText.nicknameProblem("b".repeat(33)));
        assertEquals("' ' is not allowed (use letters, digits, _ - .)", ChatText.nicknameProblem("a b"));
        assertEquals(
                "'\u00e9' (U+00E9 LATIN SMALL LETTER E WITH ACUTE) is not allowed (use letters, digits, _ - .)",
                ChatText.nicknameProblem("jos\u00e9"));
        assertEquals("U+001B ESCAPE is not allowed (use letters, digits, _ - .)", ChatText.nicknameProblem("a\u001bb"));
        assertEquals(ChatText.key("Bob"), ChatText.key("bOB"));
    }

    @Test
    void aRefusedCharacterIsNamedAndNeverShownWhenATerminalWouldActOnIt() {
        assertEquals("'/'", ChatText.describe('/'));
        assertEquals("'\\'", ChatText.describe('\\'));
        assertEquals("U+202E RIGHT-TO-LEFT OVERRIDE", ChatText.describe(0x202e));
        assertEquals("U+009B", ChatText.describe(0x9b).substring(0, 6));
        assertEquals("U+200B ZERO WIDTH SPACE", ChatText.describe(0x200b));
        assertEquals("U+3000 IDEOGRAPHIC SPACE", ChatText.describe(0x3000));
        assertEquals("'\u0430' (U+0430 CYRILLIC SMALL LETTER A)", ChatText.describe(0x430));
        assertEquals("'\uD83D\uDE00' (U+1F600 GRINNING FACE)", ChatText.describe(0x1f600));
        assertEquals("byte 0xff (not UTF-8)", ChatText.describe(0xdcff));
    }

    @Test
    void decodeKeepsEveryCharacterAndMarksBytesThatAreNotUtf8() {
        byte[] b = {'a', (byte) 0xe2, (byte) 0x80, (byte) 0xae, (byte) 0xff, (byte) 0xc3, '(', 0x1b};
        assertEquals("a\u202e\udcff\udcc3(\u001b", ChatText.decode(b, 0, b.length));
        assertEquals(
                "U+202E RIGHT-TO-LEFT OVERRIDE is not allowed (use letters, digits, _ - .)",
                ChatText.nicknameProblem(ChatText.decode(b, 0, b.length)));
        byte[] bad = {'o', 'k', (byte) 0xc0, (byte) 0xaf};
        assertEquals(
                "byte 0xc0 (not UTF-8) is not allowed (use letters, digits, _ - .)",
                ChatText.nicknameProblem(ChatText.decode(bad, 0, bad.length)));
    }

    @Test
    void nicknamesThatPassForTheConsoleAreRecognisedIgnoringCaseSeparatorsAndDigitsForLetters() {
        for (String fake : new String[] {
            "server", "SERVER", "Server.", "server_", "_server_", "s.e.r.v.e.r", "s3rv3r", "5erver", "SeRvEr-"
        }) {
            assertTrue(ChatText.looksLike(fake, "server"), fake);
        }
        for (String real : new String[] {"servers", "serve", "observer", "sever", "server2"}) {
            assertFalse(ChatText.looksLike(real, "server"), real);
        }
    }

    @Test
    void cleanEscapesControlsAndInvalidUtf8ButKeepsTextAndTabs() {
        assertEquals("h\u00e9llo \u4e16\u754c \uD83D\uDE00\ttab", clean("h\u00e9llo \u4e16\u754c \uD83D\uDE00\ttab"));
        assertEquals("\\x1b[31mred\\x00\\x7f", clean("\u001b[31mred\u0000\u007f"));
        assertEquals("\\u009b2J \\u202eevil", clean("\u009b2J \u202eevil"));
        // overlong encoding, lone surrogate, truncated sequence
        assertEquals(
                "\\xc0\\xaf \\xed\\xa0\\x80 \\xe4\\xb8",
                ChatText.clean(
                        new byte[] {
                            (byte) 0xc0,
                            (byte) 0xaf,
                            ' ',
                            (byte) 0xed,
                            (byte) 0xa0,
                            (byte) 0x80,
                            ' ',
                            (byte) 0xe4,
                            (byte) 0xb8
                        },
                        0,
                        9));
    }

    private static String clean(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ChatText.clean(b, 0, b.length);
    }

    @Test
    void commandsParse() {
        assertEquals(new ChatCommand.Say("hi /there"), ChatCommand.parse("hi /there"));
        assertEquals(new ChatCommand.Say("/not a command"), ChatCommand.parse("//not a command"));
        assertEquals(new ChatCommand.Nick("bob"), ChatCommand.parse("/NICK bob"));
        assertEquals(new ChatCommand.Msg("bob", "hi  there"), ChatCommand.parse("/msg bob   hi  there"));
        assertInstanceOf(ChatCommand.Invalid.class, ChatCommand.parse("/msg bob"));
        assertInstanceOf(ChatCommand.Invalid.class, ChatCommand.parse("/nick a b"));
        assertInstanceOf(ChatCommand.ListUsers.class, ChatCommand.parse("/list"));
        assertInstanceOf(ChatCommand.Help.class, ChatCommand.parse("/help"));
        assertInstanceOf(ChatCommand.Quit.class, ChatCommand.parse("/quit"));
        assertInstanceOf(ChatCommand.Quit.class, ChatCommand.parse(" ByeBye "));
        assertInstanceOf(ChatCommand.Nothing.class, ChatCommand.parse(" \t"));
        assertInstanceOf(ChatCommand.Invalid.class, ChatCommand.parse("/"));
    }

    @Test
    void randomBytesThroughSplitterCleanerAndParserNeverThrowAndNeverLeakControls() {
        Random random = new Random(42);
        LineSplitter splitter = new LineSplitter(4096);
        int[] lines = {0};
        LineSplitter.Sink sink = (b, n, cut, crlf) -> {
            String text = ChatText.clean(b, 0, n);
            assertNotNull(ChatCommand.parse(text));
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (!(c == '\t' || (c >= 0x20 && c != 0x7f && !(c >= 0x80 && c <= 0x9f)))) {
                    throw new AssertionError("control char " + (int) c + " in " + text);
                }
            }
            ChatText.nicknameProblem(text.strip());
            String problem = ChatText.nicknameProblem(ChatText.decode(b, 0, n).strip());
            if (problem != null) {
                assertEquals(clean(problem), problem, "the reason is safe to show as it is");
            }
            lines[0]++;
            return true;
        };
        for (int round = 0; round < 2_000; round++) {
            byte[] junk = new byte[random.nextInt(3000)];
            random.nextBytes(junk);
            for (int i = 0; i < junk.length; i += 1 + random.nextInt(60)) {
                junk[i] = new byte[] {'\n', '\r', '/', ' ', (byte) 0xe2, (byte) 0x80}[random.nextInt(6)];
            }
            splitter.feed(ByteBuffer.wrap(junk), sink);
        }
        splitter.finish(sink);
        assertTrue(lines[0] > 1000);
    }
}
