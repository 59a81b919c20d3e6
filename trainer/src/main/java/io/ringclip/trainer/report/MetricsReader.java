package io.ringclip.trainer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code metrics.jsonl} written by {@link MetricsWriter}. A line that does not parse
 * (e.g. the last line of a run killed mid-write) is skipped with a warning.
 */
public final class MetricsReader {

    private static final System.Logger LOG = System.getLogger(MetricsReader.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> RECORD = new TypeReference<>() {};

    private MetricsReader() {}

    /** The records in file order, each as JSON field name → value. */
    public static List<Map<String, Object>> read(Path path) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read metrics: path=" + path, e);
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                records.add(JSON.readValue(line, RECORD));
            } catch (JsonProcessingException e) {
                LOG.log(System.Logger.Level.WARNING, "skipping unparsable metrics line: path=" + path
                        + ", line=" + (i + 1) + ", error=" + e.getOriginalMessage());
            }
        }
        return records;
    }

    /** A record's numeric field, or NaN when absent or not a finite number ("NaN" strings included). */
    public static double number(Map<String, Object> record, String field) {
        Object value = record.get(field);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException ignored) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
