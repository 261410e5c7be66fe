package netkit.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import netkit.Stdio;
import netkit.engine.tcp.Connection;
import netkit.engine.tcp.DataSink;
import netkit.engine.tcp.Totals;
import netkit.engine.tcp.TrafficTap;
import netkit.output.HexDump;
import netkit.output.Output;
import netkit.output.Progress;

/**
 * What a relay command writes besides the socket: the sink for received bytes (stdout or
 * {@code -o} FILE), the {@code -x} hex dump, the {@code --progress} line, and the byte totals.
 * Closing it flushes and closes them.
 */
final class RelayIo implements AutoCloseable {
    private final Totals totals = new Totals();
    private final DataSink sink;
    private final TrafficTap tap;
    private final FileChannel file;
    private final OutputStream hexFile;
    private Progress progress;

    /** {@code interactive}: the session REPL owns the screen, so no progress line is drawn (/stats instead). */
    RelayIo(TcpSessionOptions o, Stdio stdio, Output output, boolean interactive) {
        FileChannel f = null;
        OutputStream h = null;
        Object opening = o.output;
        String option = "--output";
        try {
            if (o.output != null) {
                f = o.append
                        ? FileChannel.open(
                                o.output,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.APPEND)
                        : FileChannel.open(
                                o.output,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.WRITE,
                                StandardOpenOption.TRUNCATE_EXISTING);
            }
            if (o.hexdump != null && !o.hexdump.equals("-")) {
                opening = o.hexdump;
                option = "--hexdump";
                h = Files.newOutputStream(java.nio.file.Path.of(o.hexdump));
            }
        } catch (IOException e) {
            closeQuietly(f);
            throw netkit.output.OutputFile.cannotOpen(e, option, opening);
        }
        this.file = f;
        this.hexFile = h;
        this.sink = f != null
                ? DataSink.to(f, "'" + o.output + "'", -1)
                : DataSink.to(stdio.outChannel(), "stdout", stdio.outDescriptor());
        if (o.hexdump != null) {
            HexDump dump = new HexDump(h != null ? h : output.diagnostics());
            this.tap = new TrafficTap() {
                @Override
                public void sent(Connection to, ByteBuffer data) {
                    record(dump, HexDump.Direction.SENT, data);
                }

                @Override
                public void received(Connection from, ByteBuffer data) {
                    record(dump, HexDump.Direction.RECEIVED, data);
                }
            };
        } else {
            this.tap = TrafficTap.NONE;
        }
        boolean draw = !interactive
                && (o.progress == TcpSessionOptions.ProgressMode.ALWAYS
                        || o.progress == TcpSessionOptions.ProgressMode.AUTO && stdio.stderrIsTerminal());
        if (draw) {
            progress = Progress.start(output.diagnostics(), totals::bytesWritten, totals::bytesRead, stdinSize(stdio));
        }
    }

    /** What is left to read of stdin when it is a regular file (a percentage can then be shown), else -1. */
    static long stdinSize(Stdio stdio) {
        if (!(stdio.in() instanceof java.io.FileInputStream f)) {
            return -1;
        }
        try {
            FileChannel ch = f.getChannel();
            java.nio.file.Path fd0 = java.nio.file.Path.of("/proc/self/fd/0");
            if (f.getFD() != java.io.FileDescriptor.in || !Files.isRegularFile(fd0)) {
                return -1;
            }
            return Math.max(0, ch.size() - ch.position());
        } catch (IOException | RuntimeException e) {
            return -1; // no size: no percentage
        }
    }

    private static void record(HexDump dump, HexDump.Direction d, ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        dump.record(d, b, 0, b.length);
    }

    Totals totals() {
        return totals;
    }

    DataSink sink() {
        return sink;
    }

    TrafficTap tap() {
        return tap;
    }

    /** Stops the progress line (leaving the final figures), closes the files. */
    @Override
    public void close() {
        if (progress != null) {
            progress.close();
            progress = null;
        }
        closeQuietly(file);
        if (hexFile != null) {
            try {
                hexFile.close();
            } catch (IOException ignored) {
                // the dump is best effort
            }
        }
    }

    private static void closeQuietly(FileChannel f) {
        if (f != null) {
            try {
                f.close();
            } catch (IOException ignored) {
                // nothing left to save
            }
        }
    }
}
