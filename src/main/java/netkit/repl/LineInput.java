package netkit.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * Stdin for a command run inside the shell: each line is read through JLine (so the terminal's
 * input is never read behind JLine's back and no keystroke is lost), Ctrl-D on an empty line is
 * the end of input, Ctrl-C interrupts the command.
 */
final class LineInput extends InputStream {
    private final Terminal terminal;
    private LineReader reader;
    private byte[] line = new byte[0];
    private int pos;
    private boolean eof;

    LineInput(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public synchronized int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return line[pos++] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return line.length - pos;
    }

    private boolean fill() throws IOException {
        while (pos >= line.length) {
            if (eof) {
                return false;
            }
            if (reader == null) {
                reader = LineReaderBuilder.builder()
                        .terminal(terminal)
                        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                        .build();
            }
            try {
                line = (reader.readLine("") + "\n").getBytes(StandardCharsets.UTF_8);
                pos = 0;
            } catch (EndOfFileException e) {
                eof = true;
            } catch (UserInterruptException e) {
                Thread.interrupted();
                throw new InterruptedIOException("interrupted");
            }
        }
        return true;
    }

    @Override
    public void close() {
        // the shell goes on reading the terminal
    }
}
