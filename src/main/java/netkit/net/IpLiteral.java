package netkit.net;

/**
 * IP literal recognition with exactly Node's {@code net.isIP} semantics: strict dotted quads
 * (no leading zeros, no shorthand such as {@code 127.1}), IPv6 with an optional {@code %zone},
 * no brackets, no prefix length, no surrounding spaces. Pure text: never touches DNS.
 */
public final class IpLiteral {
    private IpLiteral() {}

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

    /**
     * IPv6 as Node's regex accepts it (lib/internal/net.js), hand-parsed for the bulk mode: groups of 1-4
     * hex digits, at most one {@code ::}, an optional strict dotted quad as the last two groups, eight
     * groups without {@code ::} and at most seven with it, then an optional {@code %zone} of
     * {@code [0-9a-zA-Z.:-]+}. The regex itself is kept in the tests as the oracle.
     */
    public static boolean isIPv6(CharSequence s) {
        int n = s.length();
        int end = n;
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) == '%') {
                end = i;
                break;
            }
        }
        if (end < n && !isZone(s, end + 1, n)) {
            return false;
        }
        if (end < 2) {
            return false;
        }
        int i = 0;
        int words = 0;
        boolean gap = false;
        if (s.charAt(0) == ':') {
            if (s.charAt(1) != ':') {
                return false;
            }
            gap = true;
            i = 2;
            if (i == end) {
                return true; // "::"
            }
        }
        while (true) {
            // one group: 1-4 hex digits, or a dotted quad that ends the address
            int start = i;
            while (i < end && i - start < 5 && hex(s.charAt(i))) {
                i++;
            }
            if (i < end && s.charAt(i) == '.') {
                if (!isIPv4(s.subSequence(start, end))) {
                    return false;
                }
                words += 2;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4) {
                return false;
            }
            words++;
            if (i == end) {
                break;
            }
            if (s.charAt(i) != ':') {
                return false;
            }
            i++;
            if (i < end && s.charAt(i) == ':') {
                if (gap) {
                    return false;
                }
                gap = true;
                i++;
                if (i == end) {
                    break;
                }
            } else if (i == end) {
                return false; // a single trailing colon
            }
            if (words > 8) {
                return false;
            }
        }
        return gap ? words <= 7 : words == 8;
    }

    private static boolean hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isZone(CharSequence s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9')
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || c == '.'
                    || c == ':'
                    || c == '-')) {
                return false;
            }
        }
        return true;
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
