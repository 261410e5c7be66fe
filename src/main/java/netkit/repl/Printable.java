package netkit.repl;

import java.nio.charset.StandardCharsets;

/**
 * Makes received bytes safe to show on a terminal: valid UTF-8 text stays as it is, tab too;
 * control characters, DEL, C1 controls and bytes that are not UTF-8 are shown escaped
 * ({@code \x1b}, {@code \u0085}), so a peer can never move the cursor or change colours.
 */
final class Printable {
    private Printable() {}

    static String escape(byte[] data, int off, int len) {
        StringBuilder sb = new StringBuilder(len + 16);
        int end = off + len;
        int i = off;
        while (i < end) {
            int b = data[i] & 0xff;
            if (b < 0x80) {
                if (b >= 0x20 && b < 0x7f || b == '\t') {
                    sb.append((char) b);
                } else {
                    hex(sb, b);
                }
                i++;
                continue;
            }
            int n = b >= 0xf0 && b <= 0xf4 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
            if (n == 0 || b > 0xf4 || i + n > end || !continuations(data, i + 1, n - 1)) {
                hex(sb, b);
                i++;
                continue;
            }
            String s = new String(data, i, n, StandardCharsets.UTF_8);
            int cp = s.codePointAt(0);
            if (cp == 0xfffd
                    && !(n == 3 && b == 0xef && (data[i + 1] & 0xff) == 0xbf && (data[i + 2] & 0xff) == 0xbd)) {
                // overlong or surrogate encodings decode to U+FFFD: show the raw bytes instead
                hex(sb, b);
                i++;
                continue;
            }
            if (cp >= 0x80 && cp < 0xa0 || cp == 0x2028 || cp == 0x2029) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(s);
            }
            i += n;
        }
        return sb.toString();
    }

    private static boolean continuations(byte[] data, int from, int count) {
        for (int k = 0; k < count; k++) {
            if ((data[from + k] & 0xc0) != 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void hex(StringBuilder sb, int b) {
        sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
    }
}
