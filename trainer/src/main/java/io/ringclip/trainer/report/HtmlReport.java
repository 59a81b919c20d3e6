package io.ringclip.trainer.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@code metrics.jsonl} into one self-contained {@code report.html}: a summary, inline
 * SVG charts (loss, zero-shot accuracy and retrieval recall, throughput, learning rate, loss
 * scale) and the run's configuration. No scripts, fonts or stylesheets are fetched, so the file
 * can be mailed or opened offline.
 */
public final class HtmlReport {

    /** Weight of the newest point in the smoothed loss curve (an exponential moving average). */
    private static final double LOSS_EMA_ALPHA = 0.1;

    private static final String STYLE = """
            body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1340px; color: #222; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
            table { border-collapse: collapse; margin: 0.5em 0; }
            td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; font-size: 0.9em; }
            th { background: #f4f4f4; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; }
            .chart { border: 1px solid #ddd; background: #fff; }
            .chart .title { font-size: 14px; font-weight: 600; }
            .chart .tick, .chart .legend { font-size: 11px; fill: #444; }
            .chart .empty { font-size: 13px; fill: #888; }
            """;

    private HtmlReport() {}

    public static void write(Path metricsJsonl, Path reportHtml, Map<String, String> runInfo) {
        String html = render(MetricsReader.read(metricsJsonl), runInfo);
        try {
            Path parent = reportHtml.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            // Write beside the target, then rename: a reader never sees half a report.
            Path temp = reportHtml.resolveSibling(reportHtml.getFileName() + ".tmp");
            Files.writeString(temp, html, StandardCharsets.UTF_8);
            Files.move(temp, reportHtml, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report: path=" + reportHtml, e);
        }
    }

    static String render(List<Map<String, Object>> records, Map<String, String> runInfo) {
        SvgChart.Series loss = series(records, MetricsWriter.TYPE_TRAIN, "loss", "loss");
        List<SvgChart.Series> lossCurves = new ArrayList<>(List.of(loss));
        if (loss.xs().length > 20) {
            lossCurves.add(new SvgChart.Series("loss (smoothed)", loss.xs(), ema(loss.ys())));
        }
        List<SvgChart.Series> accuracy = new ArrayList<>();
        for (String field : List.of("zero_shot_top1", "zero_shot_top5", "recall_at_1", "recall_at_5", "recall_at_10")) {
            SvgChart.Series s = series(records, MetricsWriter.TYPE_EVAL, field, field);
            if (s.xs().length > 0) {
                accuracy.add(s);
            }
        }
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>ringclip training report</title>\n<style>\n").append(STYLE).append("</style>\n")
                .append("</head>\n<body>\n<h1>ringclip training report</h1>\n");
        appendSummary(html, records, loss);
        html.append("<h2>Curves</h2>\n<div class=\"charts\">\n");
        html.append(SvgChart.render("Training loss", "step", lossCurves));
        html.append(SvgChart.render("Held-out accuracy and recall", "step", accuracy, 0, 1));
        html.append(SvgChart.render("Throughput (samples/s)", "step",
                List.of(series(records, MetricsWriter.TYPE_TRAIN, "samples_per_second", "samples/s"))));
        html.append(SvgChart.render("Learning rate", "step",
                List.of(series(records, MetricsWriter.TYPE_TRAIN, "lr", "lr"))));
        html.append(SvgChart.render("Loss scale", "step",
                List.of(series(records, MetricsWriter.TYPE_TRAIN, "loss_scale", "loss scale"))));
        html.append("</div>\n<h2>Run configuration</h2>\n<table>\n");
        runInfo.forEach((key, value) -> html.append("<tr><th>").append(Html.escape(key)).append("</th><td>")
                .append(Html.escape(value)).append("</td></tr>\n"));
        html.append("</table>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void appendSummary(StringBuilder html, List<Map<String, Object>> records, SvgChart.Series loss) {
        SvgChart.Series throughput = series(records, MetricsWriter.TYPE_TRAIN, "samples_per_second", "");
        SvgChart.Series top1 = series(records, MetricsWriter.TYPE_EVAL, "zero_shot_top1", "");
        SvgChart.Series recall1 = series(records, MetricsWriter.TYPE_EVAL, "recall_at_1", "");
        long nonFinite = records.stream()
                .filter(r -> MetricsWriter.TYPE_TRAIN.equals(r.get("type")) && r.containsKey("loss"))
                .filter(r -> !Double.isFinite(MetricsReader.number(r, "loss")))
                .count();
        html.append("<table>\n");
        row(html, "training records", Integer.toString(loss.xs().length));
        row(html, "last step", loss.xs().length == 0 ? "–" : SvgChart.format(last(loss.xs())));
        row(html, "final loss", loss.xs().length == 0 ? "–" : SvgChart.format(last(loss.ys())));
        row(html, "non-finite losses (skipped steps)", Long.toString(nonFinite));
        row(html, "median samples/s", throughput.ys().length == 0 ? "–" : SvgChart.format(median(throughput.ys())));
        row(html, "best zero-shot top-1", top1.ys().length == 0 ? "–" : best(top1));
        row(html, "final recall@1", recall1.ys().length == 0 ? "–" : SvgChart.format(last(recall1.ys())));
        html.append("</table>\n");
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><th>").append(Html.escape(name)).append("</th><td>").append(Html.escape(value))
                .append("</td></tr>\n");
    }

    /**
     * (step, field) of every record of {@code type} whose field is a finite number. A run resumed
     * from a checkpoint appends steps it had already logged; the later records supersede the
     * earlier ones, so each curve stays a function of the step.
     */
    static SvgChart.Series series(List<Map<String, Object>> records, String type, String field, String name) {
        double[] xs = new double[records.size()];
        double[] ys = new double[records.size()];
        int n = 0;
        for (Map<String, Object> record : records) {
            double step = MetricsReader.number(record, "step");
            double value = MetricsReader.number(record, field);
            if (!type.equals(record.get("type")) || !Double.isFinite(step)) {
                continue;
            }
            while (n > 0 && xs[n - 1] >= step) {
                n--; // superseded by a resumed run
            }
            if (Double.isFinite(value)) {
                xs[n] = step;
                ys[n] = value;
                n++;
            }
        }
        return new SvgChart.Series(name, Arrays.copyOf(xs, n), Arrays.copyOf(ys, n));
    }

    static double[] ema(double[] values) {
        double[] out = new double[values.length];
        double state = values[0];
        for (int i = 0; i < values.length; i++) {
            state = LOSS_EMA_ALPHA * values[i] + (1 - LOSS_EMA_ALPHA) * state;
            out[i] = state;
        }
        return out;
    }

    private static String best(SvgChart.Series s) {
        int best = 0;
        for (int i = 1; i < s.ys().length; i++) {
            best = s.ys()[i] > s.ys()[best] ? i : best;
        }
        return String.format(Locale.ROOT, "%s (step %s)", SvgChart.format(s.ys()[best]), SvgChart.format(s.xs()[best]));
    }

    private static double last(double[] values) {
        return values[values.length - 1];
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
