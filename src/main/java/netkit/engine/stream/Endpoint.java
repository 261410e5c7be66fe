package netkit.engine.stream;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import netkit.net.AddressFormat;

/**
 * One end of a stream connection as events, access rules and {@code NETKIT_*} variables see it: an
 * IP address and port, or a Unix socket path. Every transport describes its ends this way, so the
 * code that prints or filters them never asks which transport it has.
 */
public sealed interface Endpoint permits Endpoint.Inet, Endpoint.Unix {

    /** {@code 127.0.0.1:80}, {@code [::1]:80} or the socket path: what {@code -v} lines print. */
    String text();

    /** The address alone: the IP literal or the path ({@code NETKIT_REMOTE_ADDR}). */
    String address();

    /** The port, or -1 where there is none (Unix). */
    int port();

    /** Node's family string: {@code IPv4}, {@code IPv6} or {@code unix}. */
    String family();

    /** The IP address, for access rules; null for a Unix socket. */
    InetAddress inetAddress();

    /** The endpoint of a socket address as the JDK reports it; {@code null} stays null. */
    static Endpoint of(SocketAddress a) {
        return switch (a) {
            case null -> null;
            case InetSocketAddress inet -> new Inet(inet);
            case UnixDomainSocketAddress unix -> new Unix(unix.getPath());
            default -> throw new IllegalArgumentException("not a stream endpoint: " + a);
        };
    }

    /** An IP address and port. */
    record Inet(InetSocketAddress socketAddress) implements Endpoint {
        @Override
        public String text() {
            return AddressFormat.hostPort(socketAddress);
        }

        @Override
        public String address() {
            return AddressFormat.text(socketAddress.getAddress());
        }

        @Override
        public int port() {
            return socketAddress.getPort();
        }

        @Override
        public String family() {
            return AddressFormat.family(socketAddress.getAddress());
        }

        @Override
        public InetAddress inetAddress() {
            return socketAddress.getAddress();
        }
    }

    /**
     * A Unix domain socket. An accepted client's own address is usually unnamed (empty path): its
     * text is then the listener's path, which is what a user can recognise.
     */
    record Unix(Path path) implements Endpoint {
        @Override
        public String text() {
            return path.toString();
        }

        @Override
        public String address() {
            return path.toString();
        }

        @Override
        public int port() {
            return -1;
        }

        @Override
        public String family() {
            return "unix";
        }

        @Override
        public InetAddress inetAddress() {
            return null;
        }
    }
}
