package netkit.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrintableTest {
    private static String escape(byte... b) {
        return Printable.escape(b, 0, b.length);
    }

    private static String escape(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Printable.escape(b, 0, b.length);
    }

    @Test
    void printableTextAndTabsStayAsTheyAre() {
        assertEquals("hello\tw\u00f6rld \u20ac \ud83d\ude00", escape("hello\tw\u00f6rld \u20ac \ud83d\ude00"));
    }

    @Test
    void controlCharactersAndDelAreEscaped() {
        assertEquals("\\x1b[2J\\x00\\x7f\\x0d", escape("\u001b[2J\u0000\u007f\r"));
    }

    @Test
    void c1ControlsAndLineSeparatorsAreEscaped() {
        assertEquals("a\\u009bb\\u2028", escape("a\u009bb\u2028"));
    }

    @Test
    void bytesThatAreNotUtf8AreEscapedOneByOne() {
        assertEquals("\\xff\\xc3(\\xc0\\xaf", escape((byte) 0xff, (byte) 0xc3, (byte) '(', (byte) 0xc0, (byte) 0xaf));
    }

    @Test
    void aTruncatedSequenceAtTheEndIsEscaped() {
        assertEquals("x\\xe2\\x82", escape((byte) 'x', (byte) 0xe2, (byte) 0x82));
    }
}
