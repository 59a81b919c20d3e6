package io.ringclip.trainer.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as an inline {@code <svg>} element (no xmlns, scripts or fonts needed inside
 * HTML5). Each series becomes one {@code <path d="M x,y L …">}; long series are averaged into at
 * most {@value #MAX_POINTS} buckets so a report of a million steps stays small.
 */
final class SvgChart {

    static final int MAX_POINTS = 1000;
    private static final int WIDTH = 640;
    private static final int HEIGHT = 300;
    private static final int LEFT = 64;
    private static final int RIGHT = 16;
    private static final int TOP = 28;
    private static final int BOTTOM = 40;
    private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

    /** One line: points (x, y) with finite values only. */
    record Series(String name, double[] xs, double[] ys) {}

    private SvgChart() {}

    static String render(String title, String xLabel, List<Series> series) {
        return render(title, xLabel, series, Double.NaN, Double.NaN);
    }

    /** As above with a fixed y range (e.g. [0, 1] for accuracies); NaN bounds follow the data. */
    static String render(String title, String xLabel, List<Series> series, double yMin, double yMax) {
        List<Series> shown = series.stream().filter(s -> s.xs().length > 0).map(SvgChart::downsample).toList();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT,
                "<svg class=\"chart\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" class=\"title\">%s</text>%n", LEFT,
                Html.escape(title)));
        if (shown.isEmpty()) {
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"empty\">no data</text>%n</svg>%n",
                    WIDTH / 2 - 30, HEIGHT / 2));
            return svg.toString();
        }
        double[] xRange = range(shown, true);
        double[] yRange = range(shown, false);
        yRange[0] = Double.isNaN(yMin) ? yRange[0] : Math.min(yMin, yRange[0]);
        yRange[1] = Double.isNaN(yMax) ? yRange[1] : Math.max(yMax, yRange[1]);
        Axis x = new Axis(xRange[0], xRange[1], LEFT, WIDTH - RIGHT);
        Axis y = new Axis(yRange[0], yRange[1], HEIGHT - BOTTOM, TOP);
        drawAxes(svg, x, y, xLabel);
        for (int i = 0; i < shown.size(); i++) {
            Series s = shown.get(i);
            String colour = PALETTE[i % PALETTE.length];
            svg.append("<path class=\"series\" fill=\"none\" stroke=\"").append(colour)
                    .append("\" stroke-width=\"1.5\" d=\"").append(pathData(s, x, y)).append("\"/>\n");
            int legendY = TOP + 4 + 14 * i;
            svg.append(String.format(Locale.ROOT,
                    "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" class=\"legend\">%s</text>%n",
                    WIDTH - RIGHT - 170, legendY, colour, WIDTH - RIGHT - 155, legendY + 4, Html.escape(s.name())));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** {@code M x0,y0 L x1,y1 …} in pixel coordinates, one decimal. */
    static String pathData(Series s, Axis x, Axis y) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < s.xs().length; i++) {
            d.append(i == 0 ? "M" : " L")
                    .append(String.format(Locale.ROOT, "%.1f,%.1f", x.toPixel(s.xs()[i]), y.toPixel(s.ys()[i])));
        }
        return d.toString();
    }

    private static void drawAxes(StringBuilder svg, Axis x, Axis y, String xLabel) {
        svg.append(String.format(Locale.ROOT,
                "<path class=\"axis\" fill=\"none\" stroke=\"#444\" d=\"M%d,%d L%d,%d L%d,%d\"/>%n",
                LEFT, TOP, LEFT, HEIGHT - BOTTOM, WIDTH - RIGHT, HEIGHT - BOTTOM));
        for (double tick : x.ticks()) {
            double px = x.toPixel(tick);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#444\"/><text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>%n",
                    px, HEIGHT - BOTTOM, px, HEIGHT - BOTTOM + 4, px, HEIGHT - BOTTOM + 16, format(tick)));
        }
        for (double tick : y.ticks()) {
            double py = y.toPixel(tick);
            svg.append(String.format(Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/><text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>%n",
                    LEFT, py, WIDTH - RIGHT, py, LEFT - 4, py + 4, format(tick)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s</text>%n",
                (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 6, Html.escape(xLabel)));
    }

    /** Linear map from data [min, max] to pixels [from, to]; a flat range is widened to show a line. */
    record Axis(double min, double max, double from, double to) {
        Axis {
            if (max <= min) {
                double pad = min == 0 ? 1 : Math.abs(min) * 0.05;
                min -= pad;
                max += pad;
            }
        }

        double toPixel(double value) {
            return from + (value - min) / (max - min) * (to - from);
        }

        /** About five round-numbered ticks (1, 2 or 5 × 10^k apart) inside [min, max]. */
        List<Double> ticks() {
            double rawStep = (max - min) / 5;
            double magnitude = Math.pow(10, Math.floor(Math.log10(rawStep)));
            double step = magnitude * (rawStep / magnitude >= 5 ? 5 : rawStep / magnitude >= 2 ? 2 : 1);
            List<Double> ticks = new ArrayList<>();
            for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
                ticks.add(Math.abs(t) < step * 1e-9 ? 0 : t);
            }
            return ticks;
        }
    }

    static String format(double value) {
        double abs = Math.abs(value);
        if (abs != 0 && (abs >= 1e5 || abs < 1e-3)) {
            return String.format(Locale.ROOT, "%.1e", value);
        }
        String text = String.format(Locale.ROOT, "%.4f", value);
        return text.contains(".") ? text.replaceAll("0+$", "").replaceAll("\\.$", "") : text;
    }

    private static double[] range(List<Series> series, boolean xs) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double v : xs ? s.xs() : s.ys()) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return new double[] {min, max};
    }

    /** Averages consecutive points into at most {@link #MAX_POINTS} buckets. */
    static Series downsample(Series s) {
        int n = s.xs().length;
        if (n <= MAX_POINTS) {
            return s;
        }
        double[] xs = new double[MAX_POINTS];
        double[] ys = new double[MAX_POINTS];
        for (int b = 0; b < MAX_POINTS; b++) {
            int start = (int) ((long) b * n / MAX_POINTS);
            int end = (int) ((long) (b + 1) * n / MAX_POINTS);
            for (int i = start; i < end; i++) {
                xs[b] += s.xs()[i] / (end - start);
                ys[b] += s.ys()[i] / (end - start);
            }
        }
        return new Series(s.name(), xs, ys);
    }
}
