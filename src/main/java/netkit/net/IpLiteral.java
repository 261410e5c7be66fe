package netkit.net;

import java.util.regex.Pattern;

/**
 * IP literal recognition with exactly Node's {@code net.isIP} semantics: strict dotted quads
 * (no leading zeros, no shorthand such as {@code 127.1}), IPv6 with an optional {@code %zone},
 * no brackets, no prefix length, no surrounding spaces. Pure text: never touches DNS.
 */
public final class IpLiteral {
    private IpLiteral() {}

    // Node's lib/internal/net.js, transcribed; matches() anchors both ends like JS's ^…$.
    private static final String V4_SEG = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final String V4_STR = "(?:" + V4_SEG + "\\.){3}" + V4_SEG;
    private static final String V6_SEG = "(?:[0-9a-fA-F]{1,4})";
    private static final Pattern IPV6 = Pattern.compile("(?:"
            + "(?:" + V6_SEG + ":){7}(?:" + V6_SEG + "|:)|"
            + "(?:" + V6_SEG + ":){6}(?:" + V4_STR + "|:" + V6_SEG + "|:)|"
            + "(?:" + V6_SEG + ":){5}(?::" + V4_STR + "|(?::" + V6_SEG + "){1,2}|:)|"
            + "(?:" + V6_SEG + ":){4}(?:(?::" + V6_SEG + "){0,1}:" + V4_STR + "|(?::" + V6_SEG + "){1,3}|:)|"
            + "(?:" + V6_SEG + ":){3}(?:(?::" + V6_SEG + "){0,2}:" + V4_STR + "|(?::" + V6_SEG + "){1,4}|:)|"
            + "(?:" + V6_SEG + ":){2}(?:(?::" + V6_SEG + "){0,3}:" + V4_STR + "|(?::" + V6_SEG + "){1,5}|:)|"
            + "(?:" + V6_SEG + ":){1}(?:(?::" + V6_SEG + "){0,4}:" + V4_STR + "|(?::" + V6_SEG + "){1,6}|:)|"
            + "(?::(?:(?::" + V6_SEG + "){0,5}:" + V4_STR + "|(?::" + V6_SEG + "){1,7}|:))"
            + ")(?:%[0-9a-zA-Z.:\\-]{1,})?");

    /** 4, 6 or 0, as Node's {@code net.isIP}. */
    public static int family(CharSequence s) {
        if (isIPv4(s)) {
            return 4;
        }
        return isIPv6(s) ? 6 : 0;
    }

    /** A strict dotted quad, hand-parsed (the bulk mode's hot path); same language as Node's regex. */
    public static boolean isIPv4(CharSequence s) {
        int n = s.length();
        if (n < 7 || n > 15) {
            return false;
        }
        int i = 0;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= n || s.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < n && i - start < 4) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return false;
            }
        }
        return i == n;
    }

    public static boolean isIPv6(CharSequence s) {
        // Cheap rejections before the regex: every IPv6 literal has a colon and only these characters.
        int n = s.length();
        if (n < 2) {
            return false;
        }
        boolean colon = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (c > 'z') {
                return false;
            }
        }
        return colon && IPV6.matcher(s).matches();
    }

    /**
     * The 4 or 16 address bytes of a literal that {@link #family} accepted (the zone is ignored);
     * {@code null} for anything else.
     */
    public static byte[] toBytes(String s) {
        int family = family(s);
        if (family == 4) {
            return v4Bytes(s);
        }
        if (family != 6) {
            return null;
        }
        int zone = s.indexOf('%');
        String text = zone >= 0 ? s.substring(0, zone) : s;
        byte[] out = new byte[16];
        int[] words = new int[8];
        int lastColon = text.lastIndexOf(':');
        String last = text.substring(lastColon + 1);
        String head = text;
        int[] v4words = null;
        if (last.indexOf('.') >= 0) {
            byte[] b = v4Bytes(last);
            v4words = new int[] {((b[0] & 0xff) << 8) | (b[1] & 0xff), ((b[2] & 0xff) << 8) | (b[3] & 0xff)};
            head = text.substring(0, lastColon + 1);
            if (!head.endsWith("::")) {
                head = head.substring(0, head.length() - 1);
            }
        }
        int gap = head.indexOf("::");
        String[] left;
        String[] right;
        if (gap >= 0) {
            String l = head.substring(0, gap);
            String r = head.substring(gap + 2);
            left = l.isEmpty() ? new String[0] : l.split(":");
            right = r.isEmpty() ? new String[0] : r.split(":");
        } else {
            left = head.isEmpty() ? new String[0] : head.split(":");
            right = new String[0];
        }
        int total = v4words == null ? 8 : 6;
        for (int i = 0; i < left.length; i++) {
            words[i] = Integer.parseInt(left[i], 16);
        }
        for (int i = 0; i < right.length; i++) {
            words[total - right.length + i] = Integer.parseInt(right[i], 16);
        }
        if (v4words != null) {
            words[6] = v4words[0];
            words[7] = v4words[1];
        }
        for (int i = 0; i < 8; i++) {
            out[2 * i] = (byte) (words[i] >> 8);
            out[2 * i + 1] = (byte) words[i];
        }
        return out;
    }

    private static byte[] v4Bytes(String s) {
        String[] parts = s.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(parts[i]);
        }
        return b;
    }
}
