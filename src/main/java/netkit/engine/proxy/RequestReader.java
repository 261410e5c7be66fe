package netkit.engine.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import netkit.engine.tcp.Connection;

/**
 * Reads a client's proxy request with a hard bound: every byte of the request must fit in
 * {@link #MAX} bytes, so a client that never stops sending headers costs a fixed amount of memory.
 * Bytes read past the request (a client that sends payload before our reply) are kept and handed
 * over by {@link #leftover}, to go first through the tunnel.
 */
final class RequestReader {
    /** The most a request (SOCKS or an HTTP request head) may take. */
    static final int MAX = 16 * 1024;

    /** The request did not fit in {@link #MAX} bytes. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("request larger than " + MAX + " bytes");
        }
    }

    private final Connection connection;
    private final byte[] data = new byte[MAX];
    private int start;
    private int end;

    RequestReader(Connection connection) {
        this.connection = connection;
    }

    int u8() throws IOException {
        ensure(1);
        return data[start++] & 0xff;
    }

    int u16() throws IOException {
        return u8() << 8 | u8();
    }

    byte[] bytes(int n) throws IOException {
        ensure(n);
        byte[] b = new byte[n];
        System.arraycopy(data, start, b, 0, n);
        start += n;
        return b;
    }

    /** A NUL-terminated string (SOCKS4 USERID, SOCKS4a host) of at most {@code max} bytes. */
    String cstring(int max) throws IOException {
        for (int i = 0; ; i++) {
            ensure(i + 1);
            if (data[start + i] == 0) {
                String s = new String(data, start, i, StandardCharsets.UTF_8);
                start += i + 1;
                return s;
            }
            if (i >= max) {
                throw new TooLarge();
            }
        }
    }

    /** A line up to LF, without its CR LF (HTTP request line and headers, ISO-8859-1). */
    String line() throws IOException {
        for (int i = 0; ; i++) {
            ensure(i + 1);
            if (data[start + i] == '\n') {
                int len = i > 0 && data[start + i - 1] == '\r' ? i - 1 : i;
                String s = new String(data, start, len, StandardCharsets.ISO_8859_1);
                start += i + 1;
                return s;
            }
        }
    }

    /** What the client sent after its request, not yet consumed. */
    ByteBuffer leftover() {
        return ByteBuffer.wrap(data, start, end - start).slice();
    }

    private void ensure(int n) throws IOException {
        while (end - start < n) {
            if (end == data.length) {
                throw new TooLarge();
            }
            int r = connection.read(ByteBuffer.wrap(data, end, data.length - end));
            if (r < 0) {
                throw new EOFException("client closed before its request was complete");
            }
            end += r;
        }
    }
}
