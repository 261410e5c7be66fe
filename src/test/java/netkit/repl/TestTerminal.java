package netkit.repl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;

/** A dumb JLine terminal over byte streams: keys are typed into it, the screen is read back. */
final class TestTerminal implements AutoCloseable {
    private final LinkedBlockingQueue<Integer> keys = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
    final Terminal terminal;

    TestTerminal() throws IOException {
        InputStream in = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    return keys.take();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int c = read();
                if (c < 0) {
                    keys.add(-1); // stays at end
                    return -1;
                }
                b[off] = (byte) c;
                int n = 1;
                Integer next;
                while (n < len && (next = keys.peek()) != null && next >= 0) {
                    b[off + n++] = (byte) (int) keys.poll();
                }
                return n;
            }
        };
        OutputStream out = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (screen) {
                    screen.write(b);
                    screen.notifyAll();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (screen) {
                    screen.write(b, off, len);
                    screen.notifyAll();
                }
            }
        };
        // DumbTerminal itself, not TerminalBuilder: the builder would open a real pty where FFM is available.
        terminal = new DumbTerminal("test", Terminal.TYPE_DUMB, in, out, StandardCharsets.UTF_8);
        terminal.setSize(new Size(120, 40));
        // what a real terminal has: Ctrl-C raises SIGINT, Ctrl-D is end of file
        Attributes attributes = terminal.getAttributes();
        attributes.setLocalFlag(Attributes.LocalFlag.ISIG, true);
        attributes.setControlChar(Attributes.ControlChar.VINTR, 3);
        attributes.setControlChar(Attributes.ControlChar.VEOF, 4);
        terminal.setAttributes(attributes);
    }

    /** Types text as key presses; {@code \r} is Enter, {@code \u0004} Ctrl-D, {@code \u0003} Ctrl-C. */
    void type(String text) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            keys.add(b & 0xff);
        }
    }

    String screen() {
        synchronized (screen) {
            return screen.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits until the screen shows {@code text}; fails with the screen when it does not within {@code timeout}. */
    String await(String text, Duration timeout) throws InterruptedException {
        return awaitAfter(0, text, timeout);
    }

    /** How much the screen holds now, for {@link #awaitAfter}. */
    int mark() {
        synchronized (screen) {
            return screen.size();
        }
    }

    /** Waits until what was shown after {@code mark} contains {@code text}; returns the whole screen. */
    String awaitAfter(int mark, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (screen) {
            while (true) {
                byte[] all = screen.toByteArray();
                String s = new String(all, StandardCharsets.UTF_8);
                if (new String(all, mark, all.length - mark, StandardCharsets.UTF_8).contains(text)) {
                    return s;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("screen never showed '" + text + "'; it shows:\n" + s);
                }
                TimeUnit.NANOSECONDS.timedWait(screen, left);
            }
        }
    }

    String await(String text) throws InterruptedException {
        return await(text, Duration.ofSeconds(5));
    }

    @Override
    public void close() throws IOException {
        keys.add(-1);
        terminal.close();
    }
}
