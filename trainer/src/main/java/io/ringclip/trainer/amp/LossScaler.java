package io.ringclip.trainer.amp;

/**
 * Dynamic loss scaling for fp16, as {@code torch.cuda.amp.GradScaler}: the loss gradient is
 * multiplied by {@link #scale()} before backward so that small gradients survive fp16; after the
 * gradient sync the gradients are unscaled. If any gradient on any rank is inf/NaN the step is
 * skipped and the scale halves; after {@code growthInterval} consecutive clean steps it doubles.
 *
 * <p>The decision input ({@code foundInf}) must already be global (allreduce MAX of the flag), so
 * every rank applies the identical update and the scales never diverge.
 *
 * <p>A disabled scaler (fp32, bf16) has scale 1 and never skips.
 */
public final class LossScaler {

    public static final double INIT_SCALE = 65536.0;
    public static final int GROWTH_INTERVAL = 2000;

    private final boolean enabled;
    private final int growthInterval;
    private double scale;
    private int cleanSteps;
    private long skippedSteps;

    public LossScaler(boolean enabled) {
        this(enabled, INIT_SCALE, GROWTH_INTERVAL);
    }

    public LossScaler(boolean enabled, double initScale, int growthInterval) {
        if (!(initScale > 0) || growthInterval < 1) {
            throw new IllegalArgumentException("bad scaler: initScale=" + initScale + ", growthInterval=" + growthInterval);
        }
        this.enabled = enabled;
        this.growthInterval = growthInterval;
        this.scale = enabled ? initScale : 1.0;
    }

    public boolean enabled() {
        return enabled;
    }

    public double scale() {
        return scale;
    }

    public int cleanSteps() {
        return cleanSteps;
    }

    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * Updates the scale after a step's global overflow check.
     *
     * @return true if the optimizer step should be applied, false if it must be skipped
     */
    public boolean update(boolean foundInf) {
        if (!enabled) {
            return !foundInf;
        }
        if (foundInf) {
            scale *= 0.5;
            cleanSteps = 0;
            skippedSteps++;
            return false;
        }
        if (++cleanSteps >= growthInterval) {
            scale *= 2;
            cleanSteps = 0;
        }
        return true;
    }

    /** Restores (scale, clean steps, skipped steps), e.g. from a checkpoint. */
    public void restore(double scale, int cleanSteps, long skippedSteps) {
        if (!(scale > 0) || cleanSteps < 0) {
            throw new IllegalArgumentException("bad scaler state: scale=" + scale + ", cleanSteps=" + cleanSteps);
        }
        this.scale = enabled ? scale : 1.0;
        this.cleanSteps = cleanSteps;
        this.skippedSteps = skippedSteps;
    }
}
