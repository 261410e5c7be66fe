package netkit.output;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A JSON object written in insertion order, one line: the only JSON the product emits (JSON
 * Lines). Values may be strings, numbers, booleans, null, nested {@code Json} or collections.
 */
public final class Json {
    private final List<String> keys = new ArrayList<>(8);
    private final List<Object> values = new ArrayList<>(8);

    public static Json event(String name) {
        return new Json().put("event", name);
    }

    public static Json object() {
        return new Json();
    }

    public Json put(String key, Object value) {
        int i = keys.indexOf(key);
        if (i >= 0) {
            values.set(i, value);
        } else {
            keys.add(key);
            values.add(value);
        }
        return this;
    }

    public Object get(String key) {
        int i = keys.indexOf(key);
        return i < 0 ? null : values.get(i);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64);
        appendTo(sb);
        return sb.toString();
    }

    public void appendTo(StringBuilder sb) {
        sb.append('{');
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            quote(sb, keys.get(i));
            sb.append(':');
            value(sb, values.get(i));
        }
        sb.append('}');
    }

    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Json j) {
            j.appendTo(sb);
        } else if (v instanceof Number || v instanceof Boolean) {
            if (v instanceof Double d && (d.isNaN() || d.isInfinite())) {
                sb.append("null");
            } else {
                sb.append(v);
            }
        } else if (v instanceof Collection<?> c) {
            sb.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                value(sb, o);
            }
            sb.append(']');
        } else {
            quote(sb, v.toString());
        }
    }

    /** Appends {@code s} as a JSON string literal; every control character is escaped. */
    public static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
