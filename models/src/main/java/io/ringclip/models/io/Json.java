package io.ringclip.models.io;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON codec (RFC 8259) for configs, safetensors headers and state files, so that
 * {@code models} depends on the JDK only.
 *
 * <p>Value mapping, both directions: object ↔ {@code Map<String, Object>} (insertion order kept,
 * {@link LinkedHashMap}), array ↔ {@code List<Object>}, string ↔ {@link String}, true/false ↔
 * {@link Boolean}, null ↔ {@code null}. Numbers parse to {@link Long} when they are integers that
 * fit (so step counters and RNG seeds survive exactly) and to {@link Double} otherwise; any
 * {@link Number} is written, as are {@code int[]}, {@code long[]}, {@code float[]} and
 * {@code double[]} (as arrays). Non-finite doubles are rejected: JSON has no NaN.
 */
public final class Json {

    private Json() {}

    /** Parses one JSON value; trailing non-whitespace is an error. */
    public static Object parse(String text) {
        Parser p = new Parser(text);
        p.skipWhitespace();
        Object value = p.readValue(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("trailing characters after the JSON value");
        }
        return value;
    }

    /** Parses a JSON object; anything else is an error. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Object value = parse(text);
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException("expected a JSON object: got=" + typeName(value));
        }
        return (Map<String, Object>) value;
    }

    /** Compact JSON, no whitespace. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, null).write(value, 0);
        return out.toString();
    }

    /** JSON indented by two spaces, one member per line (for files people read: config.json). */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        new Writer(out, "  ").write(value, 0);
        return out.append('\n').toString();
    }

    // ---- typed accessors for parsed objects: a missing key or a wrong type is a clear error ----

    public static Object require(Map<String, Object> object, String key) {
        if (!object.containsKey(key)) {
            throw new IllegalArgumentException("missing JSON key: key=" + key + ", keys=" + object.keySet());
        }
        return object.get(key);
    }

    public static String getString(Map<String, Object> object, String key) {
        return as(String.class, require(object, key), key);
    }

    public static long getLong(Map<String, Object> object, String key) {
        Object v = require(object, key);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return d.longValue();
        }
        throw new IllegalArgumentException("expected an integer: key=" + key + ", value=" + write(v));
    }

    public static int getInt(Map<String, Object> object, String key) {
        long v = getLong(object, key);
        if (v != (int) v) {
            throw new IllegalArgumentException("integer out of int range: key=" + key + ", value=" + v);
        }
        return (int) v;
    }

    public static double getDouble(Map<String, Object> object, String key) {
        return as(Number.class, require(object, key), key).doubleValue();
    }

    public static boolean getBoolean(Map<String, Object> object, String key) {
        return as(Boolean.class, require(object, key), key);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> getObject(Map<String, Object> object, String key) {
        return as(Map.class, require(object, key), key);
    }

    @SuppressWarnings("unchecked")
    public static List<Object> getList(Map<String, Object> object, String key) {
        return as(List.class, require(object, key), key);
    }

    private static <T> T as(Class<T> type, Object value, String key) {
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("wrong JSON type: key=" + key + ", expected="
                    + type.getSimpleName() + ", got=" + typeName(value));
        }
        return type.cast(value);
    }

    private static String typeName(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }

    private static final class Parser {
        /** Nesting limit: a hostile header cannot overflow the stack. */
        private static final int MAX_DEPTH = 512;

        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        Object readValue(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> readObject(depth);
                case '[' -> readArray(depth);
                case '"' -> readString();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield readNumber();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Map<String, Object> readObject(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++; // '{'
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                String key = readString();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (map.containsKey(key)) {
                    throw error("duplicate key: key=" + key);
                }
                map.put(key, readValue(depth + 1));
                skipWhitespace();
                char c = next();
                if (c == '}') {
                    return map;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> readArray(int depth) {
            List<Object> list = new ArrayList<>();
            pos++; // '['
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(readValue(depth + 1));
                skipWhitespace();
                char c = next();
                if (c == ']') {
                    return list;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or ']'");
                }
            }
        }

        private String readString() {
            pos++; // opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c < 0x20) {
                    pos--;
                    throw error("control character in string");
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("truncated \\u escape");
                        }
                        try {
                            sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw error("bad escape '\\" + e + "'");
                    }
                }
            }
        }

        private Object readNumber() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            boolean integral = true;
            if (!digitsFollow()) {
                throw error("bad number");
            }
            if (pos < text.length() && text.charAt(pos) == '.') {
                integral = false;
                pos++;
                if (!digitsFollow()) {
                    throw error("bad number: digits expected after '.'");
                }
            }
            if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                if (!digitsFollow()) {
                    throw error("bad number: digits expected in exponent");
                }
            }
            String s = text.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException tooBig) {
                    return Double.parseDouble(s);
                }
            }
            return Double.parseDouble(s);
        }

        private boolean digitsFollow() {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            return pos > start;
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected token");
            }
            pos += word.length();
            return value;
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            if (pos >= text.length()) {
                throw error("unexpected end of input");
            }
            return text.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                pos--;
                throw error("expected '" + c + "'");
            }
        }

        IllegalArgumentException error(String what) {
            int from = Math.max(0, pos - 20);
            int to = Math.min(text.length(), pos + 20);
            return new IllegalArgumentException("invalid JSON: " + what + ", offset=" + pos
                    + ", near=" + write(text.substring(from, to)));
        }
    }

    private static final class Writer {
        private final StringBuilder out;
        private final String indent;

        Writer(StringBuilder out, String indent) {
            this.out = out;
            this.indent = indent;
        }

        void write(Object value, int depth) {
            switch (value) {
                case null -> out.append("null");
                case String s -> writeString(s);
                case Boolean b -> out.append(b);
                case Double d -> writeDouble(d);
                case Float f -> writeFloat(f);
                case Number n -> out.append(n.longValue());
                case Map<?, ?> m -> writeObject(m, depth);
                case Iterable<?> it -> writeArray(it.iterator(), depth);
                case int[] a -> writeArray(java.util.Arrays.stream(a).boxed().iterator(), depth);
                case long[] a -> writeArray(java.util.Arrays.stream(a).boxed().iterator(), depth);
                case double[] a -> writeArray(java.util.Arrays.stream(a).boxed().iterator(), depth);
                case float[] a -> {
                    List<Object> boxed = new ArrayList<>(a.length);
                    for (float f : a) {
                        boxed.add(f);
                    }
                    writeArray(boxed.iterator(), depth);
                }
                case Enum<?> e -> writeString(e.name());
                default -> throw new IllegalArgumentException(
                        "cannot write as JSON: type=" + value.getClass().getName());
            }
        }

        private void writeDouble(double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON has no NaN/Infinity: value=" + d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                out.append((long) d).append(".0");
            } else {
                out.append(d);
            }
        }

        /** Shortest decimal that reads back as the same float (not the widened double's digits). */
        private void writeFloat(float f) {
            if (!Float.isFinite(f)) {
                throw new IllegalArgumentException("JSON has no NaN/Infinity: value=" + f);
            }
            out.append(Float.toString(f));
        }

        private void writeObject(Map<?, ?> map, int depth) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings: key=" + e.getKey());
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(depth + 1);
                writeString(key);
                out.append(indent == null ? ":" : ": ");
                write(e.getValue(), depth + 1);
            }
            if (!first) {
                newline(depth);
            }
            out.append('}');
        }

        private void writeArray(Iterator<?> items, int depth) {
            out.append('[');
            boolean first = true;
            while (items.hasNext()) {
                if (!first) {
                    out.append(indent == null ? "," : ", ");
                }
                first = false;
                write(items.next(), depth + 1);
            }
            out.append(']');
        }

        private void newline(int depth) {
            if (indent != null) {
                out.append('\n').append(indent.repeat(depth));
            }
        }

        private void writeString(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
