package io.ringclip.trainer.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringclip.trainer.eval.EvalResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends metrics to a JSON Lines file, one object per line, flushed per line so a crash loses
 * at most the line being written. Example lines:
 * <pre>
 * {"type":"train","step":100,"time":"2026-11-28T18:00:00Z","loss":2.31,"samples_per_second":412.5,"lr":5.0E-4,"loss_scale":65536.0}
 * {"type":"eval","step":100,"time":"2026-11-28T18:00:05Z","zero_shot_top1":0.42,"zero_shot_top5":0.9,"recall_at_1":0.1,…}
 * </pre>
 * Non-finite numbers are written as the strings {@code "NaN"}, {@code "Infinity"}. Thread-safe.
 */
public final class MetricsWriter implements AutoCloseable {

    public static final String TYPE_TRAIN = "train";
    public static final String TYPE_EVAL = "eval";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final BufferedWriter out;
    private final Clock clock;

    private MetricsWriter(Path path, BufferedWriter out, Clock clock) {
        this.path = path;
        this.out = out;
        this.clock = clock;
    }

    /** Opens {@code path} for appending (a resumed run continues the same file). */
    public static MetricsWriter open(Path path, Clock clock) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new MetricsWriter(path, Files.newBufferedWriter(path, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open metrics file: path=" + path, e);
        }
    }

    public static MetricsWriter open(Path path) {
        return open(path, Clock.systemUTC());
    }

    public void writeTraining(TrainingMetrics metrics) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("loss", metrics.loss());
        fields.put("samples_per_second", metrics.samplesPerSecond());
        fields.put("lr", metrics.learningRate());
        fields.put("loss_scale", metrics.lossScale());
        fields.putAll(metrics.extra());
        write(TYPE_TRAIN, metrics.step(), fields);
    }

    public void writeEval(long step, EvalResult result) {
        write(TYPE_EVAL, step, result.toMetrics());
    }

    /** Writes {@code {"type":type,"step":step,"time":…, fields…}} and flushes. */
    public synchronized void write(String type, long step, Map<String, ?> fields) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("type", type);
        record.put("step", step);
        record.put("time", clock.instant().toString());
        record.putAll(fields);
        try {
            out.write(JSON.writeValueAsString(record));
            out.write('\n');
            out.flush();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metrics not serialisable: type=" + type + ", step=" + step, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics: path=" + path, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close metrics file: path=" + path, e);
        }
    }
}
