package netkit.engine.chat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import netkit.engine.stream.SocketLoop;

/**
 * The text rules of the room, as pure functions: what a nickname may be, how received bytes
 * become printable text, and how a line is encoded once for every member.
 */
public final class ChatText {
    private ChatText() {}

    public static final int MAX_NICKNAME = 32;

    /**
     * Why {@code name} cannot be a nickname, or {@code null} when it can: 1-32 characters of ASCII
     * letters, digits, {@code _ - .}. ASCII only, so that no two users look alike through
     * homoglyphs (Latin {@code a} and Cyrillic {@code а}). A refused character is named (see
     * {@link #describe}), so give it the name as received ({@link #decode}), not {@link #clean}ed:
     * cleaned, a control character is a backslash and its escape.
     */
    public static String nicknameProblem(String name) {
        if (name.isEmpty()) {
            return "a nickname cannot be empty";
        }
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (cp > 0x7f || !isNicknameChar((char) cp)) {
                return describe(cp) + " is not allowed (use letters, digits, _ - .)";
            }
            i += Character.charCount(cp);
        }
        if (name.length() > MAX_NICKNAME) {
            return "a nickname has at most " + MAX_NICKNAME + " characters (this one has " + name.length() + ")";
        }
        return null;
    }

    static boolean isNicknameChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '-'
                || c == '.';
    }

    /**
     * A character as an error message names it, never sending it raw when a terminal would act on
     * it: printable ASCII quoted ({@code ' '}), other visible characters quoted with their code
     * point and name ({@code 'é' (U+00E9 LATIN SMALL LETTER E WITH ACUTE)}), invisible or
     * controlling ones by code point and name only ({@code U+202E RIGHT-TO-LEFT OVERRIDE}), and a
     * byte that was not UTF-8 ({@link #decode} gives it as U+DC80-U+DCFF) as {@code byte 0xff}.
     */
    static String describe(int cp) {
        if (cp >= 0xdc80 && cp <= 0xdcff) {
            return "byte 0x" + Integer.toHexString(cp & 0xff) + " (not UTF-8)";
        }
        if (cp >= 0x20 && cp < 0x7f) {
            return "'" + (char) cp + "'";
        }
        String name = Character.getName(cp);
        String code = String.format("U+%04X", cp) + (name == null ? "" : " " + name);
        return isVisible(cp) ? "'" + new String(Character.toChars(cp)) + "' (" + code + ")" : code;
    }

    /** Whether showing {@code cp} as itself draws a glyph and does nothing else. */
    private static boolean isVisible(int cp) {
        if (cp < 0xa0 || isInvisibleFormatting(cp)) {
            return false;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED,
                    Character.SPACE_SEPARATOR,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK,
                    Character.COMBINING_SPACING_MARK -> false;
            default -> true;
        };
    }

    /**
     * Whether {@code name} would pass for {@code other} to a reader: the same ignoring case, the
     * separators {@code _ - .} and the digits that stand in for letters ({@code Server.},
     * {@code server_}, {@code s3rv3r} all pass for {@code server}). Both must be valid nicknames.
     */
    public static boolean looksLike(String name, String other) {
        return skeleton(name).equals(skeleton(other));
    }

    private static String skeleton(String nickname) {
        StringBuilder sb = new StringBuilder(nickname.length());
        for (int i = 0; i < nickname.length(); i++) {
            char c = Character.toLowerCase(nickname.charAt(i));
            switch (c) {
                case '_', '-', '.' -> {}
                case '0' -> sb.append('o');
                case '1', 'i' -> sb.append('l');
                case '3' -> sb.append('e');
                case '4' -> sb.append('a');
                case '5' -> sb.append('s');
                case '7' -> sb.append('t');
                case '8' -> sb.append('b');
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The key under which a nickname is unique: nicknames are unique ignoring case. */
    public static String key(String nickname) {
        return nickname.toLowerCase(Locale.ROOT);
    }

    /**
     * Decodes received bytes as UTF-8 into text that is safe to show on any terminal: control
     * characters other than tab (C0, DEL, C1) become {@code \x1b}-style escapes, bidirectional
     * overrides and line separators become {@code \u202e}-style escapes, and bytes that are not
     * valid UTF-8 become {@code \xNN}. Total: never throws for any byte sequence.
     */
    public static String clean(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        int i = off;
        int end = off + len;
        while (i < end) {
            long next = decodeAt(b, i, end);
            int cp = (int) next;
            if (cp < 0) {
                hex(sb, b[i] & 0xff);
            } else {
                appendCodePoint(sb, cp);
            }
            i += (int) (next >>> 32);
        }
        return sb.toString();
    }

    /**
     * Decodes received bytes as UTF-8 exactly as they came, for rules that look at characters
     * (nicknames): each byte that is not part of valid UTF-8 becomes U+DC80-U+DCFF (its value plus
     * 0xDC00, which valid UTF-8 never yields), so that it can still be named. Show the result
     * only through {@link #clean} or {@link #describe}.
     */
    public static String decode(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder(len);
        int i = off;
        int end = off + len;
        while (i < end) {
            long next = decodeAt(b, i, end);
            int cp = (int) next;
            sb.appendCodePoint(cp < 0 ? 0xdc00 | (b[i] & 0xff) : cp);
            i += (int) (next >>> 32);
        }
        return sb.toString();
    }

    /**
     * The code point that starts at {@code b[i]} (low 32 bits; -1 when {@code b[i]} does not start
     * valid UTF-8) and how many bytes it takes (high 32 bits; 1 for an invalid byte).
     */
    private static long decodeAt(byte[] b, int i, int end) {
        int c = b[i] & 0xff;
        if (c < 0x80) {
            return (1L << 32) | c;
        }
        int need;
        int cp;
        int min;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
            min = 0x10000;
        } else {
            return INVALID;
        }
        if (i + need >= end) { // the sequence is cut short
            return INVALID;
        }
        for (int k = 1; k <= need; k++) {
            int cc = b[i + k] & 0xff;
            if ((cc & 0xc0) != 0x80) {
                return INVALID;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return INVALID;
        }
        return ((long) (need + 1) << 32) | cp;
    }

    private static final long INVALID = (1L << 32) | 0xffffffffL;

    private static void appendCodePoint(StringBuilder sb, int cp) {
        if (cp == '\t' || (cp >= 0x20 && cp < 0x7f)) {
            sb.append((char) cp);
        } else if (cp < 0x20 || cp == 0x7f) {
            hex(sb, cp);
        } else if (cp <= 0x9f) {
            // C1 controls: U+009B is a CSI on terminals that honour 8-bit controls
            sb.append("\\u00").append(Character.forDigit(cp >> 4, 16)).append(Character.forDigit(cp & 0xf, 16));
        } else if (isInvisibleFormatting(cp)) {
            sb.append(String.format("\\u%04x", cp));
        } else {
            sb.appendCodePoint(cp);
        }
    }

    /** Characters that reorder or break what others see: bidi controls and line separators. */
    private static boolean isInvisibleFormatting(int cp) {
        return (cp >= 0x202a && cp <= 0x202e)
                || (cp >= 0x2066 && cp <= 0x2069)
                || cp == 0x2028
                || cp == 0x2029
                || cp == 0x200e
                || cp == 0x200f
                || cp == 0x061c;
    }

    private static void hex(StringBuilder sb, int b) {
        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }

    /** A line of clean text, encoded once (UTF-8 plus LF, and the CRLF variant) and shared by every member. */
    public static Line line(String text) {
        return new Line(text);
    }

    /** Several lines of clean text as one buffer. */
    public static Line lines(List<String> texts) {
        return join(texts.stream().map(Line::new).toList());
    }

    /** Several lines as one buffer (encoded from the lines' bytes, never re-encoded per member). */
    static Line join(List<Line> lines) {
        int lf = 0;
        int crlf = 0;
        for (Line l : lines) {
            lf += l.lf.length;
            crlf += l.crlf.length;
        }
        byte[] a = new byte[lf];
        byte[] b = new byte[crlf];
        int i = 0;
        int j = 0;
        for (Line l : lines) {
            System.arraycopy(l.lf, 0, a, i, l.lf.length);
            System.arraycopy(l.crlf, 0, b, j, l.crlf.length);
            i += l.lf.length;
            j += l.crlf.length;
        }
        return new Line(null, a, b);
    }

    /**
     * One outgoing line, immutable: a broadcast builds one and enqueues the same arrays for every
     * member (no per-member encoding). Members that sent CRLF line ends get the CRLF variant.
     */
    public static final class Line {
        private final String text;
        private final byte[] lf;
        private final byte[] crlf;
        // made on second use, by whichever thread: a race makes two equal copies, never a wrong one
        private volatile SocketLoop.Shared lfShared;
        private volatile SocketLoop.Shared crlfShared;
        private int uses;

        private Line(String text, byte[] lf, byte[] crlf) {
            this.text = text;
            this.lf = lf;
            this.crlf = crlf;
        }

        private Line(String text) {
            this.text = text;
            byte[] t = text.getBytes(StandardCharsets.UTF_8);
            lf = new byte[t.length + 1];
            crlf = new byte[t.length + 2];
            System.arraycopy(t, 0, lf, 0, t.length);
            System.arraycopy(t, 0, crlf, 0, t.length);
            lf[t.length] = '\n';
            crlf[t.length] = '\r';
            crlf[t.length + 1] = '\n';
        }

        public String text() {
            return text;
        }

        /** The encoded bytes; callers must not modify them. */
        public byte[] bytes(boolean crlfLineEnds) {
            return crlfLineEnds ? crlf : lf;
        }

        /**
         * The bytes outside the heap, shared by every member who gets them, or null for a line's first
         * use (send {@link #bytes} then). A line that goes to many (a broadcast) is copied once, on
         * its second use: a socket write from a heap array first copies it into such a buffer, once
         * per member. A line for one member (a greeting, a reply) stays a heap array: an off-heap
         * copy per member cost more memory than it saved.
         */
        SocketLoop.Shared shared(boolean crlfLineEnds) {
            SocketLoop.Shared s = crlfLineEnds ? crlfShared : lfShared;
            if (s != null) {
                return s;
            }
            if (uses++ == 0) { // racy on purpose: at worst one more heap write, or two equal copies
                return null;
            }
            byte[] bytes = bytes(crlfLineEnds);
            s = SocketLoop.Shared.copyOf(bytes, 0, bytes.length);
            if (crlfLineEnds) {
                crlfShared = s;
            } else {
                lfShared = s;
            }
            return s;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
