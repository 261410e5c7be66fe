package netkit.repl;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * Stdin for a command run inside the shell: each line is read through JLine (so the terminal's
 * input is never read behind JLine's back and no keystroke is lost), Ctrl-D on an empty line is
 * the end of input, Ctrl-C interrupts the command. {@link #shutdown} ends a read still pending
 * when the command is over, so it cannot compete with the shell's prompt.
 */
final class LineInput extends InputStream {
    private final Terminal terminal;
    private final ReentrantLock lock = new ReentrantLock();
    private LineReader reader;
    private byte[] line = new byte[0];
    private int pos;
    private boolean eof;
    private volatile boolean shutdown;
    private volatile Thread reading;

    LineInput(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, line.length - pos);
            System.arraycopy(line, pos, b, off, n);
            pos += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int available() {
        return lock.tryLock() ? availableLocked() : 0;
    }

    private int availableLocked() {
        try {
            return line.length - pos;
        } finally {
            lock.unlock();
        }
    }

    private boolean fill() throws IOException {
        while (pos >= line.length) {
            if (eof || shutdown) {
                return false;
            }
            if (reader == null) {
                reader = LineReaderBuilder.builder()
                        .terminal(terminal)
                        .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                        .build();
            }
            // Publish the reader before the last look at the flag: shutdown() sets the flag and then
            // looks for a reader, so either we see the flag here or it sees us and interrupts.
            reading = Thread.currentThread();
            if (shutdown) {
                reading = null;
                return false;
            }
            try {
                line = (reader.readLine("") + "\n").getBytes(StandardCharsets.UTF_8);
                pos = 0;
            } catch (EndOfFileException e) {
                eof = true;
            } catch (UserInterruptException e) {
                Thread.interrupted();
                if (shutdown) {
                    return false;
                }
                throw new InterruptedIOException("interrupted");
            } finally {
                reading = null;
            }
        }
        return true;
    }

    /** The command is over: a pending read returns end of input, later ones too. Waits up to a second. */
    void shutdown() {
        shutdown = true;
        Thread t = reading;
        if (t != null) {
            t.interrupt();
        }
        try {
            if (lock.tryLock(1, TimeUnit.SECONDS)) {
                lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        // the shell goes on reading the terminal
    }
}
