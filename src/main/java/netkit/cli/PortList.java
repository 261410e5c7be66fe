package netkit.cli;

import java.util.Arrays;
import java.util.BitSet;
import netkit.NetkitException;

/**
 * The ports of a scan: a port, a list and/or ranges such as {@code 22,80,8000-8100} or
 * {@code 1-65535}. Duplicates and overlaps collapse; the ports are kept ascending, which is the
 * order results are printed in.
 */
public record PortList(int[] ports) {
    /** What a valid list looks like; the end of every error message. */
    static final String EXPECTED = "expected ports 1-65535, a list and/or ranges such as 22,80,8000-8100";

    public PortList {
        ports = ports.clone();
    }

    @Override
    public int[] ports() {
        return ports.clone();
    }

    public int size() {
        return ports.length;
    }

    /** Whether the list names exactly one port (the {@code nc -z HOST PORT} case). */
    public boolean single() {
        return ports.length == 1;
    }

    /**
     * Parses {@code text}; a bad list is a usage error naming {@code name} and quoting the value,
     * e.g. {@code invalid value for PORT: '5-1' (range runs backwards: 5-1; expected …)}.
     */
    public static PortList parse(String name, String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw NetkitException.invalidValue(name, String.valueOf(text), e.getMessage());
        }
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with the reason (without the value) when it is not a port list
     */
    static PortList parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty; " + EXPECTED);
        }
        BitSet set = new BitSet(65536);
        for (String item : text.split(",", -1)) {
            if (item.isEmpty()) {
                throw new IllegalArgumentException("empty list item; " + EXPECTED);
            }
            int dash = item.indexOf('-');
            if (dash < 0) {
                int port = port(item);
                set.set(port);
                continue;
            }
            int low = port(item.substring(0, dash));
            int high = port(item.substring(dash + 1));
            if (low > high) {
                throw new IllegalArgumentException("range runs backwards: " + item + "; " + EXPECTED);
            }
            set.set(low, high + 1);
        }
        int[] ports = new int[set.cardinality()];
        for (int i = 0, p = set.nextSetBit(0); p >= 0; p = set.nextSetBit(p + 1)) {
            ports[i++] = p;
        }
        return new PortList(ports);
    }

    private static int port(String s) {
        boolean digits = !s.isEmpty() && s.length() <= 5;
        for (int i = 0; digits && i < s.length(); i++) {
            digits = s.charAt(i) >= '0' && s.charAt(i) <= '9';
        }
        if (!digits) {
            throw new IllegalArgumentException((s.isEmpty() ? "missing port" : "not a port: " + s) + "; " + EXPECTED);
        }
        int port = Integer.parseInt(s);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + s + "; " + EXPECTED);
        }
        return port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PortList p && Arrays.equals(ports, p.ports);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ports);
    }

    /** The compact form: {@code 22,80,8000-8100}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ports.length; ) {
            int j = i;
            while (j + 1 < ports.length && ports[j + 1] == ports[j] + 1) {
                j++;
            }
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(ports[i]);
            if (j > i) {
                sb.append('-').append(ports[j]);
            }
            i = j + 1;
        }
        return sb.toString();
    }
}
