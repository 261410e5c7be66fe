package netkit.engine.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import netkit.engine.tcp.Connection;
import netkit.net.IpLiteral;

/**
 * The HTTP side of {@code tcp-listen --proxy}: {@code CONNECT host:port} opens a tunnel
 * ({@code 200 Connection established}); an absolute-form request ({@code GET http://host/path})
 * is forwarded once — rewritten to origin form, its proxy headers dropped, {@code Connection: close}
 * — and the connection then carries that one exchange (one request per connection). Refusals are
 * HTTP status lines with a one-line body.
 */
final class HttpProxy {
    /** More header lines than this is not a request we serve. */
    static final int MAX_HEADERS = 100;

    private final ProxyHandler handler;
    private final Connection client;
    private final RequestReader in;
    private final int firstByte;

    HttpProxy(ProxyHandler handler, Connection client, RequestReader in, int firstByte) {
        this.handler = handler;
        this.client = client;
        this.in = in;
        this.firstByte = firstByte;
    }

    ProxyHandler.Tunnel open() throws IOException {
        String requestLine;
        List<String> headers = new ArrayList<>();
        try {
            requestLine = (char) firstByte + in.line();
            while (true) {
                String h = in.line();
                if (h.isEmpty()) {
                    break;
                }
                if (headers.size() >= MAX_HEADERS) {
                    throw new RequestReader.TooLarge();
                }
                headers.add(h);
            }
        } catch (RequestReader.TooLarge e) {
            reply(
                    "431 Request Header Fields Too Large",
                    "request head over " + RequestReader.MAX + " bytes or " + MAX_HEADERS + " header lines");
            return ProxyHandler.Tunnel.failed("HTTP request head too large");
        }
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            reply("400 Bad Request", "expected 'METHOD TARGET HTTP/1.x'");
            return ProxyHandler.Tunnel.failed("bad HTTP request line '" + ProxyClient.printable(requestLine) + "'");
        }
        String method = parts[0];
        String target = parts[1];
        ProxyServerOptions options = handler.options();
        if (options.authenticates() && !authorized(headers)) {
            reply(
                    "407 Proxy Authentication Required",
                    "Proxy-Authenticate: Basic realm=\"netkit\"",
                    "proxy credentials required");
            return ProxyHandler.Tunnel.failed("HTTP proxy authentication failed or missing");
        }
        if (method.equals("CONNECT")) {
            HostPort hp = authority(target, -1);
            if (hp == null) {
                reply("400 Bad Request", "CONNECT needs host:port");
                return ProxyHandler.Tunnel.failed("bad CONNECT target '" + ProxyClient.printable(target) + "'");
            }
            try {
                Connection up = handler.connect(client, hp.host, hp.port);
                client.send("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                return ProxyHandler.Tunnel.open(up, in.leftover());
            } catch (Refusal r) {
                reply(r.kind.httpStatus, r.getMessage());
                return ProxyHandler.Tunnel.refused(r);
            }
        }
        if (!target.regionMatches(true, 0, "http://", 0, 7)) {
            reply("400 Bad Request", "a proxy request needs an absolute http:// URL or CONNECT");
            return ProxyHandler.Tunnel.failed("not a proxy request: '" + ProxyClient.printable(requestLine) + "'");
        }
        String rest = target.substring(7);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1); // userinfo is not sent on
        }
        HostPort hp = authority(authority, 80);
        if (hp == null) {
            reply("400 Bad Request", "bad host in the URL");
            return ProxyHandler.Tunnel.failed("bad URL '" + ProxyClient.printable(target) + "'");
        }
        Connection up;
        try {
            up = handler.connect(client, hp.host, hp.port);
        } catch (Refusal r) {
            reply(r.kind.httpStatus, r.getMessage());
            return ProxyHandler.Tunnel.refused(r);
        }
        StringBuilder head = new StringBuilder(method)
                .append(' ')
                .append(path)
                .append(' ')
                .append(parts[2])
                .append("\r\n");
        boolean host = false;
        for (String h : headers) {
            String name = h.substring(0, Math.max(0, h.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
            switch (name) {
                case "proxy-authorization", "proxy-connection", "connection", "keep-alive" -> {}
                default -> {
                    host |= name.equals("host");
                    head.append(h).append("\r\n");
                }
            }
        }
        if (!host) {
            head.append("Host: ").append(authority).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteBuffer left = in.leftover();
        ByteBuffer first = ByteBuffer.allocate(head.length() + left.remaining());
        first.put(head.toString().getBytes(StandardCharsets.ISO_8859_1))
                .put(left)
                .flip();
        return ProxyHandler.Tunnel.open(up, first);
    }

    private boolean authorized(List<String> headers) {
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).strip().equalsIgnoreCase("Proxy-Authorization")) {
                String v = h.substring(colon + 1).strip();
                if (v.regionMatches(true, 0, "Basic ", 0, 6)) {
                    try {
                        String pair = new String(
                                Base64.getDecoder().decode(v.substring(6).strip()), StandardCharsets.UTF_8);
                        int c = pair.indexOf(':');
                        if (c >= 0 && handler.options().accepts(pair.substring(0, c), pair.substring(c + 1))) {
                            return true;
                        }
                    } catch (IllegalArgumentException e) {
                        return false;
                    }
                }
            }
        }
        return false;
    }

    private record HostPort(String host, int port) {}

    /** {@code host:port} or {@code [v6]:port}; without a port, {@code defaultPort} (-1: required). */
    private static HostPort authority(String a, int defaultPort) {
        String host;
        String port = null;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = a.substring(1, close);
            if (IpLiteral.family(host) != 6) {
                return null;
            }
            if (close + 1 < a.length()) {
                if (a.charAt(close + 1) != ':') {
                    return null;
                }
                port = a.substring(close + 2);
            }
        } else {
            int colon = a.lastIndexOf(':');
            if (colon >= 0 && a.indexOf(':') != colon) {
                return null;
            }
            host = colon < 0 ? a : a.substring(0, colon);
            port = colon < 0 ? null : a.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return null;
        }
        int p = defaultPort;
        if (port != null) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
                return null;
            }
            p = Integer.parseInt(port);
        }
        return p < 1 || p > 65535 ? null : new HostPort(host, p);
    }

    private void reply(String status, String body) throws IOException {
        reply(status, null, body);
    }

    private void reply(String status, String header, String body) throws IOException {
        String text = body + "\n";
        String msg = "HTTP/1.1 " + status + "\r\n" + (header == null ? "" : header + "\r\n")
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
                + text.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + text;
        client.send(msg.getBytes(StandardCharsets.UTF_8));
        lingeringClose();
    }

    /**
     * After a refusal: FIN, then read and drop what the client still sends (a bounded amount, within
     * the handshake timeout), so closing with unread bytes does not reset the connection and destroy
     * the reply before the client read it.
     */
    private void lingeringClose() {
        try {
            client.shutdownOutput();
            ByteBuffer sink = ByteBuffer.allocate(8192);
            for (long drained = 0; drained < 256 * 1024; ) {
                int n = client.read(sink.clear());
                if (n < 0) {
                    return;
                }
                drained += n;
            }
        } catch (IOException e) {
            // the client is gone: the refusal is what we report, not this
        }
    }
}
