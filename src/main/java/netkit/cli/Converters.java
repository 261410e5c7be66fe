package netkit.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The value converters every command shares. Their messages quote the value and say what was
 * expected; the usage handler prefixes {@code invalid value for NAME: }.
 */
public final class Converters {
    private Converters() {}

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(ms|s|m|h)?");

    /** {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, {@code 1h}; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text == null ? "" : text.trim());
        if (text == null || !m.matches() || !text.equals(text.trim())) {
            throw new TypeConversionException("'" + text + "' (expected a duration such as 250ms, 2s, 1.5s, 3m, 1h)");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
        if (millis > 365L * 24 * 3_600_000) {
            throw new TypeConversionException("'" + text + "' (expected at most one year)");
        }
        return Duration.ofNanos(Math.round(millis * 1_000_000));
    }

    /**
     * A port argument (PORT, validated by the command because with {@code -z} it may be a list):
     * a usage error {@code invalid value for PORT: '70000' (expected 1-65535)} when it is not in
     * {@code [min, 65535]}.
     */
    public static int port(String label, String text, int min) {
        try {
            return parsePort(text, min);
        } catch (TypeConversionException e) {
            throw netkit.NetkitException.usage("invalid value for " + label + ": " + e.getMessage());
        }
    }

    /**
     * A HOST or ADDRESS argument, checked before any look-up (SPEC §1): empty is a usage error quoting
     * {@code ''} (an unset variable in a script must not reach the local machine); a bare number is a
     * port, never an address; digits and dots that are not a full dotted quad ({@code 127.1}) follow
     * isip's literal rules instead of the C library's shorthand. Returns {@code text}.
     */
    public static String host(String label, String text) {
        if (text == null || text.isEmpty()) {
            throw netkit.NetkitException.invalidValue(label, "", "expected a host name or address");
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw netkit.NetkitException.invalidValue(label, text, "a bare number is a port, not an address");
        }
        if (text.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.') && netkit.net.IpLiteral.family(text) != 4) {
            throw netkit.NetkitException.invalidValue(
                    label, text, "not an IPv4 address: write all four parts, e.g. 127.0.0.1, as isip accepts them");
        }
        return text;
    }

    /** Parses a port in {@code [min, 65535]}. */
    public static int parsePort(String text, int min) {
        int port;
        try {
            if (text == null
                    || text.isEmpty()
                    || text.length() > 6
                    || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException();
            }
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' (expected " + min + "-65535)");
        }
        if (port < min || port > 65535) {
            throw new TypeConversionException("'" + text + "' (expected " + min + "-65535)");
        }
        return port;
    }

    /** A duration option or parameter. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parseDuration(value);
        }
    }

    /** A port to connect or send to: 1-65535. */
    public static final class PortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parsePort(value, 1);
        }
    }

    /** A port to listen on or bind: 0-65535, 0 meaning any free port. */
    public static final class ListenPortConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parsePort(value, 0);
        }
    }

    /** A positive count (1 and up). */
    public static final class PositiveIntConverter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the message
            }
            throw new TypeConversionException("'" + value + "' (expected a whole number from 1)");
        }
    }

    /** An address block for --allow/--deny: {@code 10.0.0.0/8}, {@code ::1}, {@code ::ffff:127.0.0.0/104}. */
    public static final class CidrConverter implements ITypeConverter<netkit.net.Cidr> {
        @Override
        public netkit.net.Cidr convert(String value) {
            try {
                return netkit.net.Cidr.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' (" + e.getMessage() + ")");
            }
        }
    }
}
