package netkit;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The process's standard streams as a command sees them: raw binary stdin and stdout for payload,
 * stderr for diagnostics, and whether each is a terminal. Tests build one over byte streams.
 */
public record Stdio(
        InputStream in,
        OutputStream out,
        PrintStream err,
        boolean stdinIsTerminal,
        boolean stdoutIsTerminal,
        boolean stderrIsTerminal,
        Map<String, String> env) {

    /** The real process streams, unbuffered: payload is written through at once. */
    public static Stdio system() {
        return new Stdio(
                new FileInputStream(FileDescriptor.in),
                new FileOutputStream(FileDescriptor.out),
                new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8),
                isTerminal(0),
                isTerminal(1),
                isTerminal(2),
                System.getenv());
    }

    /** Streams for tests and embedding: none of them is a terminal. */
    public static Stdio of(InputStream in, OutputStream out, PrintStream err) {
        return new Stdio(in, out, err, false, false, false, Map.of());
    }

    public Stdio withTerminals(boolean stdin, boolean stdout, boolean stderr) {
        return new Stdio(in, out, err, stdin, stdout, stderr, env);
    }

    public Stdio withEnv(Map<String, String> env) {
        return new Stdio(in, out, err, stdinIsTerminal, stdoutIsTerminal, stderrIsTerminal, env);
    }

    /**
     * Stdin as a channel for bulk transfers: the file's own channel for the real stdin (no extra
     * copy, reads straight into direct buffers), a wrapper for any other stream.
     */
    public ReadableByteChannel inChannel() {
        return in instanceof FileInputStream f ? f.getChannel() : Channels.newChannel(in);
    }

    /**
     * The file descriptor under {@link #in} when it is the process's own stdin (0), for zero-copy
     * paths; -1 for any other stream.
     */
    public int inDescriptor() {
        try {
            return in instanceof FileInputStream f && f.getFD() == FileDescriptor.in ? 0 : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** The file descriptor under {@link #out} when it is the process's own stdout (1); -1 otherwise. */
    public int outDescriptor() {
        try {
            return out instanceof FileOutputStream f && f.getFD() == FileDescriptor.out ? 1 : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** Stdout as a channel, the same way as {@link #inChannel}. */
    public WritableByteChannel outChannel() {
        return out instanceof FileOutputStream f ? f.getChannel() : Channels.newChannel(out);
    }

    /**
     * Whether file descriptor {@code fd} is a terminal. On Linux the answer is read from /proc
     * without loading any native code (start-up matters); elsewhere {@link System#console()} tells
     * whether stdin and stdout both are.
     */
    static boolean isTerminal(int fd) {
        Path link = Path.of("/proc/self/fd/" + fd);
        try {
            String target = Files.readSymbolicLink(link).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (Exception e) {
            return System.console() != null;
        }
    }
}
