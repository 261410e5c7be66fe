package netkit.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written parser against Node's own regular expressions (lib/internal/net.js, transcribed):
 * the corpus pins the answers Node gives; this fuzz pins that the parser and the regex are one language.
 */
class IpLiteralOracleTest {
    private static final String V4_SEG = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private static final String V4_STR = "(?:" + V4_SEG + "\\.){3}" + V4_SEG;
    private static final String V6_SEG = "(?:[0-9a-fA-F]{1,4})";
    static final Pattern IPV4 = Pattern.compile(V4_STR);
    static final Pattern IPV6 = Pattern.compile("(?:"
            + "(?:" + V6_SEG + ":){7}(?:" + V6_SEG + "|:)|"
            + "(?:" + V6_SEG + ":){6}(?:" + V4_STR + "|:" + V6_SEG + "|:)|"
            + "(?:" + V6_SEG + ":){5}(?::" + V4_STR + "|(?::" + V6_SEG + "){1,2}|:)|"
            + "(?:" + V6_SEG + ":){4}(?:(?::" + V6_SEG + "){0,1}:" + V4_STR + "|(?::" + V6_SEG + "){1,3}|:)|"
            + "(?:" + V6_SEG + ":){3}(?:(?::" + V6_SEG + "){0,2}:" + V4_STR + "|(?::" + V6_SEG + "){1,4}|:)|"
            + "(?:" + V6_SEG + ":){2}(?:(?::" + V6_SEG + "){0,3}:" + V4_STR + "|(?::" + V6_SEG + "){1,5}|:)|"
            + "(?:" + V6_SEG + ":){1}(?:(?::" + V6_SEG + "){0,4}:" + V4_STR + "|(?::" + V6_SEG + "){1,6}|:)|"
            + "(?::(?:(?::" + V6_SEG + "){0,5}:" + V4_STR + "|(?::" + V6_SEG + "){1,7}|:))"
            + ")(?:%[0-9a-zA-Z.:\\-]{1,})?");

    static int oracle(String s) {
        return IPV4.matcher(s).matches() ? 4 : IPV6.matcher(s).matches() ? 6 : 0;
    }

    @Test
    void theRegexOracleAgreesWithNodeOnTheCorpus() {
        for (IsipCorpus c : IsipCorpus.load()) {
            assertEquals(c.family(), oracle(c.input()), c.toString());
        }
    }

    @Test
    void parserAndRegexAgreeOnRandomNearMisses() {
        SplittableRandom rnd = new SplittableRandom(20261126);
        String alphabet = "0123456789abcdefABCDEFg:::...%%[]/ -xz\u0661";
        List<String> wrong = new ArrayList<>();
        int valid = 0;
        for (int i = 0; i < 200_000 && wrong.size() < 20; i++) {
            String s = rnd.nextInt(3) == 0 ? noise(rnd, alphabet) : mutate(rnd, wellFormed(rnd), alphabet);
            int want = oracle(s);
            valid += want == 0 ? 0 : 1;
            if (IpLiteral.family(s) != want) {
                wrong.add("'" + s + "': regex " + want + ", parser " + IpLiteral.family(s));
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(true, valid > 20_000, "too few valid inputs generated: " + valid);
    }

    private static String noise(SplittableRandom rnd, String alphabet) {
        StringBuilder sb = new StringBuilder();
        int len = rnd.nextInt(1, 45);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String wellFormed(SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        int groups = rnd.nextInt(0, 9);
        int gapAt = rnd.nextInt(0, 10);
        for (int g = 0; g < groups; g++) {
            if (g == gapAt) {
                sb.append("::");
            } else if (g > 0) {
                sb.append(':');
            }
            String group = Integer.toHexString(rnd.nextInt(0x10000));
            sb.append(group, 0, Math.min(group.length(), rnd.nextInt(1, 6)));
        }
        if (gapAt >= groups && rnd.nextBoolean()) {
            sb.append("::");
        }
        if (rnd.nextInt(4) == 0) {
            sb.append(sb.isEmpty() || sb.charAt(sb.length() - 1) == ':' ? "" : ":")
                    .append(rnd.nextInt(300))
                    .append('.')
                    .append(rnd.nextInt(256))
                    .append('.')
                    .append(rnd.nextInt(256))
                    .append('.')
                    .append(rnd.nextInt(256));
        }
        if (rnd.nextInt(5) == 0) {
            sb.append('%').append(rnd.nextBoolean() ? "eth0" : "1");
        }
        return sb.toString();
    }

    private static String mutate(SplittableRandom rnd, String s, String alphabet) {
        if (s.isEmpty() || rnd.nextInt(3) == 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s);
        int p = rnd.nextInt(sb.length());
        switch (rnd.nextInt(3)) {
            case 0 -> sb.insert(p, alphabet.charAt(rnd.nextInt(alphabet.length())));
            case 1 -> sb.deleteCharAt(p);
            default -> sb.setCharAt(p, alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
