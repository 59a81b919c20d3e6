package io.ringclip.trainer.optim;

/**
 * Linear warm-up then cosine decay to zero, as open_clip's {@code cosine_lr}:
 * <pre>
 *   step &lt; warmup:  lr(step) = base · (step + 1) / warmup
 *   otherwise:      lr(step) = base · ½ · (1 + cos(π · (step − warmup) / (total − warmup)))
 * </pre>
 * {@code step} counts optimizer steps from 0.
 */
public record LrSchedule(double baseLr, int warmupSteps, int totalSteps) {

    public LrSchedule {
        if (!(baseLr > 0) || warmupSteps < 0 || totalSteps < 1 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("bad schedule: baseLr=" + baseLr + ", warmupSteps="
                    + warmupSteps + ", totalSteps=" + totalSteps);
        }
    }

    public double lr(int step) {
        if (step < warmupSteps) {
            return baseLr * (step + 1) / warmupSteps;
        }
        int decaySteps = totalSteps - warmupSteps;
        if (decaySteps == 0) {
            return baseLr;
        }
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        return 0.5 * (1 + Math.cos(Math.PI * progress)) * baseLr;
    }
}
