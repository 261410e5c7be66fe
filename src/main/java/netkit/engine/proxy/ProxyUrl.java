package netkit.engine.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import netkit.NetkitException;
import netkit.engine.stream.Target;

/**
 * One hop of {@code tcp-connect --proxy URL}: {@code SCHEME://[USER[:PASSWORD]@]HOST[:PORT]}, with
 * user and password percent-decoded ({@code %40} is {@code @}). Without a port, SOCKS proxies are
 * on 1080 and HTTP proxies on 8080.
 *
 * @param password null when the URL has none (SOCKS4 sends the user as its USERID)
 */
public record ProxyUrl(Scheme scheme, String host, int port, String user, String password) {

    /** The protocols a hop can speak; {@code resolvesLocally} says who turns a name into an address. */
    public enum Scheme {
        SOCKS5("socks5", 1080, true),
        SOCKS5H("socks5h", 1080, false),
        SOCKS4("socks4", 1080, true),
        SOCKS4A("socks4a", 1080, false),
        HTTP("http", 8080, false);

        final String text;
        final int defaultPort;
        final boolean resolvesLocally;

        Scheme(String text, int defaultPort, boolean resolvesLocally) {
            this.text = text;
            this.defaultPort = defaultPort;
            this.resolvesLocally = resolvesLocally;
        }

        public String text() {
            return text;
        }
    }

    /** Where this proxy listens: the next hop's target of the hop before it. */
    public Target.HostPort target() {
        return new Target.HostPort(host, port);
    }

    /** {@code socks5h://127.0.0.1:1080}: the URL without credentials, for messages. */
    public String text() {
        return scheme.text + "://" + target().text();
    }

    /** {@code proxy 127.0.0.1:1080}: how error messages name it. */
    String name() {
        return "proxy " + target().text();
    }

    @Override
    public String toString() {
        return text(); // never the password
    }

    /** Parses a {@code --proxy} value; a usage error (exit 2) names {@code option} and quotes the value. */
    public static ProxyUrl parse(String value, String option) {
        int sep = value.indexOf("://");
        if (sep <= 0) {
            throw bad(
                    option,
                    value,
                    "expected SCHEME://[USER:PASSWORD@]HOST[:PORT] with SCHEME socks5, socks5h, "
                            + "socks4, socks4a or http");
        }
        String schemeText = value.substring(0, sep).toLowerCase(Locale.ROOT);
        Scheme scheme = null;
        for (Scheme s : Scheme.values()) {
            if (s.text.equals(schemeText)) {
                scheme = s;
            }
        }
        if (scheme == null) {
            throw bad(
                    option,
                    value,
                    "unknown scheme '" + schemeText + "': expected socks5, socks5h, socks4, socks4a " + "or http");
        }
        String rest = value.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        if (rest.indexOf('/') >= 0 || rest.indexOf('?') >= 0 || rest.indexOf('#') >= 0) {
            throw bad(option, value, "a proxy URL has no path");
        }
        String user = null;
        String password = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon), option, value);
            password = colon < 0 ? null : decode(info.substring(colon + 1), option, value);
            if (user.isEmpty()) {
                throw bad(option, value, "empty user name");
            }
            if (scheme == Scheme.SOCKS5 || scheme == Scheme.SOCKS5H) {
                // RFC 1929: one length byte each
                if (user.getBytes(StandardCharsets.UTF_8).length > 255) {
                    throw bad(option, value, "SOCKS5 user names are at most 255 bytes");
                }
                if (password != null && password.getBytes(StandardCharsets.UTF_8).length > 255) {
                    throw bad(option, value, "SOCKS5 passwords are at most 255 bytes");
                }
            }
            if ((scheme == Scheme.SOCKS4 || scheme == Scheme.SOCKS4A) && password != null) {
                throw bad(option, value, "SOCKS4 has no passwords (a user alone is sent as its USERID)");
            }
        }
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                throw bad(option, value, "unclosed [ in the host");
            }
            host = rest.substring(1, close);
            String after = rest.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw bad(option, value, "expected :PORT after ]");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = rest.lastIndexOf(':');
            if (colon >= 0 && rest.indexOf(':') != colon) {
                throw bad(option, value, "an IPv6 address goes in brackets: [::1]:1080");
            }
            host = colon < 0 ? rest : rest.substring(0, colon);
            portText = colon < 0 ? null : rest.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw bad(option, value, "no proxy host");
        }
        int port = scheme.defaultPort;
        if (portText != null) {
            port = -1;
            if (!portText.isEmpty()
                    && portText.length() <= 5
                    && portText.chars().allMatch(Character::isDigit)) {
                port = Integer.parseInt(portText);
            }
            if (port < 1 || port > 65535) {
                throw bad(option, value, "port must be 1-65535");
            }
        }
        return new ProxyUrl(scheme, host, port, user, password);
    }

    private static String decode(String s, String option, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%') {
                if (i + 2 >= s.length()) {
                    throw bad(option, value, "'%' must be followed by two hex digits");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw bad(option, value, "'%' must be followed by two hex digits");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                int cp = s.codePointAt(i);
                byte[] b = Character.toString(cp).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
                i += Character.charCount(cp) - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static NetkitException bad(String option, String value, String why) {
        // the password is never echoed back
        return NetkitException.invalidValue(option, redact(value), why);
    }

    /** The value with any password replaced by {@code ***}. */
    static String redact(String value) {
        int sep = value.indexOf("://");
        int at = value.lastIndexOf('@');
        if (sep < 0 || at < sep) {
            return value;
        }
        int colon = value.indexOf(':', sep + 3);
        if (colon < 0 || colon > at) {
            return value;
        }
        return value.substring(0, colon + 1) + "***" + value.substring(at);
    }
}
