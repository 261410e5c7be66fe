package netkit.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Small helpers for the TCP command tests. */
final class TcpTesting {
    private TcpTesting() {}

    static ServerSocket loopbackServer() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }

    /** Streams everything from {@code in} into a SHA-256 and returns the hex digest and count. */
    static String digestAll(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** An OutputStream that only keeps a SHA-256 of what it is given. */
    static final class DigestSink extends OutputStream {
        private final MessageDigest md;
        private long count;

        DigestSink() throws Exception {
            md = MessageDigest.getInstance("SHA-256");
        }

        @Override
        public synchronized void write(int b) {
            md.update((byte) b);
            count++;
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            md.update(b, off, len);
            count += len;
        }

        synchronized String hex() throws Exception {
            return HexFormat.of().formatHex(((MessageDigest) md.clone()).digest());
        }

        synchronized long count() {
            return count;
        }
    }
}
