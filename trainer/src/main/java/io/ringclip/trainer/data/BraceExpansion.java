package io.ringclip.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * Shell-style brace expansion for shard patterns, as webdataset uses it:
 * {@code shards-{000..002}.tar} → {@code shards-000.tar, shards-001.tar, shards-002.tar}
 * (zero-padded to the width of the first bound when it has a leading zero) and
 * {@code {train,val}.tar} → {@code train.tar, val.tar}. Several groups multiply out left to right.
 */
final class BraceExpansion {

    private BraceExpansion() {}

    static List<String> expand(String pattern) {
        int open = pattern.indexOf('{');
        if (open < 0) {
            return List.of(pattern);
        }
        int close = pattern.indexOf('}', open);
        if (close < 0) {
            throw new IllegalArgumentException("unclosed brace in pattern: pattern=" + pattern);
        }
        String prefix = pattern.substring(0, open);
        String body = pattern.substring(open + 1, close);
        List<String> rest = expand(pattern.substring(close + 1));
        List<String> out = new ArrayList<>();
        for (String alternative : alternatives(body, pattern)) {
            for (String suffix : rest) {
                out.add(prefix + alternative + suffix);
            }
        }
        return out;
    }

    private static List<String> alternatives(String body, String pattern) {
        int dots = body.indexOf("..");
        if (dots < 0) {
            return List.of(body.split(",", -1));
        }
        String from = body.substring(0, dots);
        String to = body.substring(dots + 2);
        long start;
        long end;
        try {
            start = Long.parseLong(from);
            end = Long.parseLong(to);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad numeric range in pattern: pattern=" + pattern + ", range=" + body);
        }
        if (end < start || end - start > 1_000_000) {
            throw new IllegalArgumentException("bad numeric range in pattern: pattern=" + pattern + ", range=" + body);
        }
        int width = from.length() > 1 && from.startsWith("0") ? from.length() : 0;
        List<String> values = new ArrayList<>();
        for (long v = start; v <= end; v++) {
            values.add(width > 0 ? String.format("%0" + width + "d", v) : Long.toString(v));
        }
        return values;
    }
}
