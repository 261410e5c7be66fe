package netkit.engine.stream;

import java.nio.file.Path;
import netkit.NetkitException;
import netkit.net.IpLiteral;

/**
 * Where a stream connection goes, as the user wrote it: a host (name or literal) and port, or a
 * Unix socket path. Parsed from {@code HOST:PORT}, {@code [v6]:PORT} or {@code unix:PATH} (the form
 * of {@code --forward}); names are resolved by the connector, never here.
 */
public sealed interface Target permits Target.HostPort, Target.UnixPath {

    /** What error messages and events call it: {@code example.test:443}, {@code [::1]:80}, the path. */
    String text();

    /** A host (name or IP literal, without brackets) and a port 1-65535. */
    record HostPort(String host, int port) implements Target {
        @Override
        public String text() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** A Unix-domain stream socket. */
    record UnixPath(Path path) implements Target {
        @Override
        public String text() {
            return path.toString();
        }
    }

    /**
     * Parses {@code HOST:PORT}, {@code [v6]:PORT} or {@code unix:PATH}; {@code what} names the
     * option in the usage error (exit 2) that quotes a malformed value.
     */
    static Target parse(String value, String what) {
        if (value.startsWith("unix:")) {
            String path = value.substring("unix:".length());
            if (path.isEmpty()) {
                throw bad(what, value, "unix: needs a path");
            }
            if (path.startsWith("@")) {
                throw bad(what, value, "abstract socket names are not supported");
            }
            return new UnixPath(Path.of(path));
        }
        String host;
        String port;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || close + 1 >= value.length() || value.charAt(close + 1) != ':') {
                throw bad(what, value, "expected [IPv6]:PORT");
            }
            host = value.substring(1, close);
            port = value.substring(close + 2);
            if (IpLiteral.family(host) != 6) {
                throw bad(what, value, "only an IPv6 literal goes in brackets");
            }
        } else {
            int colon = value.lastIndexOf(':');
            if (colon <= 0 || value.indexOf(':') != colon) {
                throw bad(what, value, "expected HOST:PORT, [IPv6]:PORT or unix:PATH");
            }
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (p < 1 || p > 65535 || !port.chars().allMatch(Character::isDigit)) {
            throw bad(what, value, "port must be 1-65535");
        }
        return new HostPort(host, p);
    }

    private static NetkitException bad(String what, String value, String why) {
        return NetkitException.invalidValue(what, value, why);
    }
}
