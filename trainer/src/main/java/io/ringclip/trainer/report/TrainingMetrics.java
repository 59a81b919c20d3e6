package io.ringclip.trainer.report;

import java.util.Map;

/**
 * One training step's numbers for {@code metrics.jsonl}.
 *
 * @param samplesPerSecond global throughput (all ranks) over the last logging interval
 * @param lossScale        the dynamic fp16 loss scale (1 in fp32 runs)
 * @param extra            further named numbers (e.g. {@code grad_norm}, {@code temperature})
 */
public record TrainingMetrics(
        long step, double loss, double samplesPerSecond, double learningRate, double lossScale,
        Map<String, Number> extra) {

    public TrainingMetrics {
        extra = Map.copyOf(extra);
    }

    public TrainingMetrics(long step, double loss, double samplesPerSecond, double learningRate, double lossScale) {
        this(step, loss, samplesPerSecond, learningRate, lossScale, Map.of());
    }
}
