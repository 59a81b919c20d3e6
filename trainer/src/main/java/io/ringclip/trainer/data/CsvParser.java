package io.ringclip.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV: comma-separated fields, fields optionally in double quotes, {@code ""} inside
 * quotes is one quote, quoted fields may span lines, CRLF or LF line ends. An unterminated
 * quote makes the last record bad instead of swallowing the file silently.
 */
final class CsvParser {

    /** One record; {@code line} is the 1-based line it starts on; {@code error} is null if it parsed. */
    record Record(int line, List<String> fields, String error) {}

    private CsvParser() {}

    static List<Record> parse(String text) {
        List<Record> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldWasQuoted = false;
        int line = 1;
        int recordLine = 1;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i += 2;
                    continue;
                }
                if (c == '"') {
                    quoted = false;
                } else {
                    line += c == '\n' ? 1 : 0;
                    field.append(c);
                }
                i++;
                continue;
            }
            switch (c) {
                case '"' -> {
                    if (field.isEmpty() && !fieldWasQuoted) {
                        quoted = true;
                        fieldWasQuoted = true;
                    } else {
                        field.append(c); // a stray quote inside an unquoted field: keep it literally
                    }
                }
                case ',' -> {
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldWasQuoted = false;
                }
                case '\r' -> { } // CR of CRLF; a lone CR is dropped too
                case '\n' -> {
                    fields.add(field.toString());
                    addUnlessBlank(records, recordLine, fields);
                    fields = new ArrayList<>();
                    field.setLength(0);
                    fieldWasQuoted = false;
                    line++;
                    recordLine = line;
                }
                default -> field.append(c);
            }
            i++;
        }
        if (quoted) {
            records.add(new Record(recordLine, List.of(), "unterminated quoted field"));
        } else if (!field.isEmpty() || !fields.isEmpty() || fieldWasQuoted) {
            fields.add(field.toString());
            addUnlessBlank(records, recordLine, fields);
        }
        return records;
    }

    private static void addUnlessBlank(List<Record> records, int line, List<String> fields) {
        if (fields.size() == 1 && fields.get(0).isBlank()) {
            return; // empty line
        }
        records.add(new Record(line, List.copyOf(fields), null));
    }
}
