package netkit.engine.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatagramSourceTest {
    private static List<String> all(DatagramSource s) throws IOException {
        List<String> out = new ArrayList<>();
        byte[] p;
        while ((p = s.next()) != null) {
            out.add(new String(p, StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    /** Delivers its bytes a few at a time, as a pipe or a terminal does. */
    private static InputStream trickle(String s, int step) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return new InputStream() {
            int pos;

            @Override
            public int read() {
                return pos < b.length ? b[pos++] & 0xff : -1;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (pos >= b.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, step), b.length - pos);
                System.arraycopy(b, pos, buf, off, n);
                pos += n;
                return n;
            }
        };
    }

    @Test
    void linesKeepTheirNewlineAndALastLineWithoutOneIsSentAsItIs() throws IOException {
        assertEquals(
                List.of("a\n", "\n", "b\r\n", "tail"),
                all(DatagramSource.lines(new ByteArrayInputStream("a\n\nb\r\ntail".getBytes()), 100)));
    }

    @Test
    void linesSplitAcrossReadsAreJoined() throws IOException {
        assertEquals(List.of("hello\n", "world\n"), all(DatagramSource.lines(trickle("hello\nworld\n", 3), 100)));
    }

    @Test
    void aLineLongerThanTheLargestDatagramGoesInPieces() throws IOException {
        assertEquals(List.of("abcd", "ef\n", "g"), all(DatagramSource.lines(trickle("abcdef\ng", 5), 4)));
    }

    @Test
    void chunksHaveExactlyTheSizeRegardlessOfNewlinesAndReadSizes() throws IOException {
        assertEquals(List.of("a\nb", "c\nd", "e"), all(DatagramSource.chunks(trickle("a\nbc\nde", 2), 3)));
    }

    @Test
    void emptyInputYieldsNothing() throws IOException {
        assertNull(
                DatagramSource.lines(new ByteArrayInputStream(new byte[0]), 10).next());
        assertNull(
                DatagramSource.chunks(new ByteArrayInputStream(new byte[0]), 10).next());
    }
}
