package netkit.cli;

import netkit.engine.udp.DatagramEndpoint;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Value converters of the datagram commands; messages quote the value and say what was expected. */
final class UdpConverters {
    private UdpConverters() {}

    static int range(String value, int min, int max, String expected) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max && value.equals(value.trim())) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new TypeConversionException("'" + value + "' (expected " + expected + ")");
    }

    /** A unicast TTL / hop limit: 1-255 (Node setTTL). */
    static final class Ttl implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return range(value, 1, 255, "1-255");
        }
    }

    /** A multicast TTL: 0-255 (Node setMulticastTTL; 0 keeps datagrams on this host). */
    static final class MulticastTtl implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return range(value, 0, 255, "0-255");
        }
    }

    /** A datagram payload size: 1-65527 (IPv6; the command holds IPv4 to 65507). */
    static final class DatagramSize implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return range(value, 1, DatagramEndpoint.MAX_PAYLOAD_V6, "1-" + DatagramEndpoint.MAX_PAYLOAD_V6);
        }
    }
}
