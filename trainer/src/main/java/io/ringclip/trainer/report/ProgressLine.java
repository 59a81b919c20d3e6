package io.ringclip.trainer.report;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A live progress display: {@code step 120/1000 (12.0%)  loss 2.3456  412.3 samples/s  ETA 3m12s}.
 *
 * <p>On a terminal the line is redrawn in place with {@code \r} (at most every
 * {@value #REDRAW_INTERVAL_MS} ms); otherwise (logs, CI) a plain line is printed at most every
 * {@code plainInterval}. The final step is always shown. The clock is injected for tests.
 * Not thread-safe: call from the training loop only.
 */
public final class ProgressLine implements AutoCloseable {

    static final long REDRAW_INTERVAL_MS = 100;

    private final PrintStream out;
    private final boolean terminal;
    private final long totalSteps;
    private final long plainIntervalNs;
    private final LongSupplier nanoClock;

    private long firstStep = -1;
    private long firstTimeNs;
    private long lastPrintNs;
    private boolean printedAny;
    private int lastLength;

    public ProgressLine(PrintStream out, boolean terminal, long totalSteps, Duration plainInterval, LongSupplier nanoClock) {
        if (totalSteps <= 0) {
            throw new IllegalArgumentException("totalSteps must be positive: totalSteps=" + totalSteps);
        }
        this.out = out;
        this.terminal = terminal;
        this.totalSteps = totalSteps;
        this.plainIntervalNs = plainInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** On stdout; in-place when stdout is a terminal, else a line every 10 seconds. */
    public static ProgressLine forConsole(long totalSteps) {
        boolean terminal = System.console() != null && System.console().isTerminal();
        return new ProgressLine(System.out, terminal, totalSteps, Duration.ofSeconds(10), System::nanoTime);
    }

    /** Reports that {@code step} (1-based count of completed steps) finished. */
    public void update(long step, double loss, double samplesPerSecond) {
        long now = nanoClock.getAsLong();
        if (firstStep < 0) {
            firstStep = step;
            firstTimeNs = now;
        }
        long interval = terminal ? REDRAW_INTERVAL_MS * 1_000_000 : plainIntervalNs;
        boolean due = !printedAny || now - lastPrintNs >= interval || step >= totalSteps;
        if (!due) {
            return;
        }
        String line = format(step, loss, samplesPerSecond, eta(step, now));
        if (terminal) {
            // Pad with spaces so a shorter line fully covers the previous one.
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            out.flush();
            lastLength = line.length();
        } else {
            out.println(line);
        }
        lastPrintNs = now;
        printedAny = true;
    }

    /** Prints a message on its own line without garbling the live display. */
    public void message(String text) {
        if (terminal && printedAny) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
        }
        out.println(text);
    }

    String format(long step, double loss, double samplesPerSecond, Duration eta) {
        return String.format(Locale.ROOT, "step %d/%d (%.1f%%)  loss %.4f  %.1f samples/s  ETA %s", step, totalSteps,
                100.0 * step / totalSteps, loss, samplesPerSecond, eta == null ? "--" : formatDuration(eta));
    }

    /** Remaining steps at the average pace since the first update; null before any progress. */
    private Duration eta(long step, long now) {
        long done = step - firstStep;
        long elapsed = now - firstTimeNs;
        if (done <= 0 || elapsed <= 0) {
            return null;
        }
        return Duration.ofNanos((long) ((double) elapsed / done * Math.max(0, totalSteps - step)));
    }

    static String formatDuration(Duration d) {
        long seconds = d.toSeconds();
        if (seconds >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        if (seconds >= 60) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        return seconds + "s";
    }

    /** Ends the in-place line with a newline so following output starts cleanly. */
    @Override
    public void close() {
        if (terminal && printedAny) {
            out.println();
            out.flush();
        }
    }
}
