package netkit.engine.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import netkit.NetkitException;
import netkit.engine.stream.Resolver;
import netkit.engine.stream.Target;
import netkit.engine.stream.Transport;
import netkit.net.Family;
import netkit.net.IpLiteral;

/**
 * The client side of one hop: asks the proxy at the other end of {@code t} for a tunnel to
 * {@code next} in the hop's protocol and returns when it said yes, having read exactly its reply
 * (not one byte of the tunnel). Every refusal becomes the {@link NetkitException} of SPEC §14.
 */
final class ProxyClient {
    /** An HTTP proxy's reply head larger than this is not a reply we want. */
    static final int MAX_HTTP_HEAD = 16 * 1024;

    private final Transport t;
    private final ProxyUrl hop;
    private final Target.HostPort next;
    private final Family family;

    private ProxyClient(Transport t, ProxyUrl hop, Target.HostPort next, Family family) {
        this.t = t;
        this.hop = hop;
        this.next = next;
        this.family = family;
    }

    /** Runs the hop's exchange; {@code family} restricts local resolution (socks5://, socks4://). */
    static void connect(Transport t, ProxyUrl hop, Target.HostPort next, Family family) throws IOException {
        ProxyClient c = new ProxyClient(t, hop, next, family);
        try {
            switch (hop.scheme()) {
                case SOCKS5, SOCKS5H -> c.socks5();
                case SOCKS4, SOCKS4A -> c.socks4();
                case HTTP -> c.http();
            }
        } catch (EOFException e) {
            throw ProxyErrors.protocol(hop, "closed the connection during the " + protocol(hop) + " exchange");
        }
    }

    private static String protocol(ProxyUrl hop) {
        return switch (hop.scheme()) {
            case SOCKS5, SOCKS5H -> "SOCKS5";
            case SOCKS4, SOCKS4A -> "SOCKS4";
            case HTTP -> "HTTP CONNECT";
        };
    }

    // ---- SOCKS5 (RFC 1928, username/password RFC 1929)

    private void socks5() throws IOException {
        boolean creds = hop.user() != null;
        write(creds ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
        byte[] choice = read(2);
        if (choice[0] != 5) {
            throw notSpeaking("SOCKS5", choice);
        }
        int method = choice[1] & 0xff;
        if (method == 0xff) {
            throw ProxyErrors.refused(
                    hop,
                    "no acceptable authentication method"
                            + (creds ? "" : " (it wants credentials: socks5h://USER:PASSWORD@HOST:PORT)"));
        }
        if (method == 2 && creds) {
            byte[] user = hop.user().getBytes(StandardCharsets.UTF_8);
            byte[] pass = (hop.password() == null ? "" : hop.password()).getBytes(StandardCharsets.UTF_8);
            ByteBuffer auth = ByteBuffer.allocate(3 + user.length + pass.length);
            auth.put((byte) 1)
                    .put((byte) user.length)
                    .put(user)
                    .put((byte) pass.length)
                    .put(pass)
                    .flip();
            write(auth);
            byte[] status = read(2);
            if (status[1] != 0) {
                throw ProxyErrors.refused(hop, "username/password authentication failed for user '" + hop.user() + "'");
            }
        } else if (method != 0) {
            throw ProxyErrors.protocol(hop, "chose authentication method " + method + ", which we did not offer");
        }
        ByteBuffer req = ByteBuffer.allocate(6 + 256 + 16);
        req.put((byte) 5).put((byte) 1).put((byte) 0);
        String host = next.host();
        if (IpLiteral.family(host) != 0 || hop.scheme().resolvesLocally) {
            InetAddress a = address(host, Family.ANY);
            req.put((byte) (a instanceof Inet4Address ? 1 : 4)).put(a.getAddress());
        } else {
            byte[] name = host.getBytes(StandardCharsets.UTF_8);
            if (name.length > 255) {
                throw NetkitException.usage("host name too long for SOCKS5 (at most 255 bytes): '" + host + "'");
            }
            req.put((byte) 3).put((byte) name.length).put(name);
        }
        req.putShort((short) next.port()).flip();
        write(req);
        byte[] head = read(4);
        if (head[0] != 5) {
            throw notSpeaking("SOCKS5", head);
        }
        int rep = head[1] & 0xff;
        if (rep != 0) {
            throw socks5Failure(rep);
        }
        int rest = switch (head[3]) {
            case 1 -> 4;
            case 4 -> 16;
            case 3 -> read(1)[0] & 0xff;
            default -> throw ProxyErrors.protocol(hop, "answered with unknown address type " + head[3]);
        };
        read(rest + 2); // BND.ADDR, BND.PORT: the proxy's side of the tunnel, not needed
    }

    private NetkitException socks5Failure(int rep) {
        String target = next.text();
        String text = switch (rep) {
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "unknown SOCKS5 reply " + rep;
        };
        return switch (rep) {
            case 3 -> ProxyErrors.targetUnreachable(hop, target, "ENETUNREACH", text);
            case 4 -> ProxyErrors.targetUnreachable(hop, target, "EHOSTUNREACH", text);
            case 5 -> ProxyErrors.targetRefused(hop, target, "SOCKS5 reply 5");
            case 6 -> ProxyErrors.targetTimedOut(hop, target, text);
            default -> ProxyErrors.refused(hop, text);
        };
    }

    // ---- SOCKS4 and 4a

    private void socks4() throws IOException {
        String host = next.host();
        int literal = IpLiteral.family(host);
        if (literal == 6) {
            throw NetkitException.usage("SOCKS4 cannot reach the IPv6 address " + host + " (use socks5h://)");
        }
        byte[] ip;
        byte[] name = null;
        if (literal == 4 || hop.scheme().resolvesLocally) {
            ip = address(host, Family.IPV4).getAddress();
        } else {
            ip = new byte[] {0, 0, 0, 1}; // SOCKS4a: "the proxy resolves the name that follows"
            name = host.getBytes(StandardCharsets.UTF_8);
        }
        byte[] user = hop.user() == null ? new byte[0] : hop.user().getBytes(StandardCharsets.UTF_8);
        ByteBuffer req = ByteBuffer.allocate(9 + user.length + (name == null ? 0 : name.length + 1));
        req.put((byte) 4)
                .put((byte) 1)
                .putShort((short) next.port())
                .put(ip)
                .put(user)
                .put((byte) 0);
        if (name != null) {
            req.put(name).put((byte) 0);
        }
        write(req.flip());
        byte[] reply = read(8);
        if (reply[0] != 0 && reply[0] != 4) {
            throw notSpeaking("SOCKS4", reply);
        }
        int cd = reply[1] & 0xff;
        switch (cd) {
            case 90 -> {}
            case 91 -> throw ProxyErrors.refused(hop, "request rejected or failed (SOCKS4 reply 91)");
            case 92 -> throw ProxyErrors.refused(hop, "cannot reach our identd (SOCKS4 reply 92)");
            case 93 -> throw ProxyErrors.refused(hop, "identd user id mismatch (SOCKS4 reply 93)");
            default -> throw ProxyErrors.protocol(hop, "answered with unknown SOCKS4 reply " + cd);
        }
    }

    // ---- HTTP CONNECT (RFC 9110 §9.3.6)

    private void http() throws IOException {
        String authority = next.text();
        StringBuilder req = new StringBuilder()
                .append("CONNECT ")
                .append(authority)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(authority)
                .append("\r\n");
        if (hop.user() != null) {
            String pair = hop.user() + ":" + (hop.password() == null ? "" : hop.password());
            req.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        req.append("\r\n");
        write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
        String head = readHttpHead();
        int eol = head.indexOf("\r\n");
        String status = (eol < 0 ? head : head.substring(0, eol)).strip();
        String[] parts = status.split(" ", 3);
        if (parts.length < 2
                || !parts[0].startsWith("HTTP/")
                || parts[1].length() != 3
                || !parts[1].chars().allMatch(Character::isDigit)) {
            throw ProxyErrors.protocol(hop, "is not an HTTP proxy (it answered '" + printable(status) + "')");
        }
        int code = Integer.parseInt(parts[1]);
        if (code / 100 == 2) {
            return;
        }
        String reply = printable(status);
        String reason = parts.length > 2 ? parts[2].toLowerCase(Locale.ROOT) : "";
        String target = next.text();
        if ((code == 502 || code == 503) && reason.contains("refused")) {
            throw ProxyErrors.targetRefused(hop, target, reply);
        }
        if (code == 504) {
            throw ProxyErrors.targetTimedOut(hop, target, reply);
        }
        if (code == 502 || code == 503) {
            throw ProxyErrors.targetUnreachable(hop, target, "EHOSTUNREACH", "unreachable (" + reply + ")");
        }
        if (code == 407 && hop.user() == null) {
            throw ProxyErrors.refused(hop, reply + " (it wants credentials: http://USER:PASSWORD@HOST:PORT)");
        }
        throw ProxyErrors.refused(hop, reply);
    }

    /** The reply head up to its empty line, read a byte at a time so no tunnel byte is taken. */
    private String readHttpHead() throws IOException {
        StringBuilder head = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (head.length() < MAX_HTTP_HEAD) {
            one.clear();
            int n = t.read(one);
            if (n < 0) {
                if (head.isEmpty()) {
                    throw new EOFException();
                }
                throw ProxyErrors.protocol(
                        hop,
                        "closed the connection in the middle of its reply ('"
                                + printable(head.toString().lines().findFirst().orElse("")) + "')");
            }
            if (n == 1) {
                head.append((char) (one.get(0) & 0xff));
                int len = head.length();
                if (len >= 4
                        && head.charAt(len - 1) == '\n'
                        && head.charAt(len - 2) == '\r'
                        && head.charAt(len - 3) == '\n'
                        && head.charAt(len - 4) == '\r') {
                    return head.toString();
                }
                if (len >= 5 && !head.substring(0, 5).equals("HTTP/")) {
                    throw ProxyErrors.protocol(
                            hop, "is not an HTTP proxy (it answered '" + printable(head.toString()) + "…')");
                }
            }
        }
        throw ProxyErrors.protocol(hop, "sent a reply head over " + MAX_HTTP_HEAD + " bytes");
    }

    // ---- wire helpers

    private InetAddress address(String host, Family restrict) {
        Family f = family == Family.ANY ? restrict : family;
        if (restrict == Family.IPV4 && family == Family.IPV6) {
            throw NetkitException.usage("SOCKS4 needs an IPv4 address and -6 was given");
        }
        return Resolver.all(host, f).get(0);
    }

    private NetkitException notSpeaking(String protocol, byte[] got) {
        String answer = got.length >= 2 && got[0] == 'H' && got[1] == 'T'
                ? " (it answered like an HTTP server)"
                : " (it answered 0x" + hex(got) + ")";
        return ProxyErrors.protocol(hop, "is not a " + protocol + " proxy" + answer);
    }

    private void write(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    private void write(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            t.write(b);
        }
    }

    private byte[] read(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (t.read(b) < 0) {
                throw new EOFException();
            }
        }
        return b.array();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xff));
        }
        return s.toString();
    }

    /** The text with control characters shown as '?', cut at 200 characters: safe for one stderr line. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return out.toString();
    }
}
