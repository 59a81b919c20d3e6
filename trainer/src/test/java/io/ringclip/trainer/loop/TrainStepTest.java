package io.ringclip.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.trainer.config.LossType;
import io.ringclip.models.tensor.Precision;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.config.WireFormatChoice;
import io.ringclip.trainer.testing.LocalComms;
import io.ringclip.trainer.testing.LinearTowersModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The step's distributed logic on a linear two-tower model (see {@link LinearTowersModel}):
 * N ranks × B samples track one rank × N·B over several AdamW steps (parameters within 2e-5 —
 * fp32 sums in a different order, amplified a little by Adam's normalisation), and an inf in one
 * rank's gradients skips the step everywhere and halves the scale.
 */
@Timeout(120)
class TrainStepTest {

    private static final int PIXELS = 12;
    private static final int VOCAB = 9;
    private static final int TOKENS = 3;
    private static final int E = 6;
    private static final int STEPS = 4;

    private static TrainConfig config(LossType loss, Precision precision, int batch, double bucketMb) {
        return TrainConfig.builder().loss(loss).precision(precision).batchPerWorker(batch).steps(STEPS)
                .warmupSteps(1).lr(0.01).bucketMb(bucketMb).outDir("unused").build();
    }

    /** Trains STEPS steps on rank's slice of the global batches; returns final params per rank. */
    private static List<float[]> train(LossType loss, int world, int globalBatch, double bucketMb) {
        return train(loss, world, globalBatch, bucketMb, WireFormatChoice.FP32);
    }

    private static List<float[]> train(LossType loss, int world, int globalBatch, double bucketMb, WireFormatChoice wire) {
        int b = globalBatch / world;
        return LocalComms.runRanks(world, wire, comm -> {
            LinearTowersModel model = new LinearTowersModel(PIXELS, VOCAB, E, loss == LossType.SIGLIP, 5);
            TrainStep step = new TrainStep(config(loss, Precision.FP32, b, bucketMb), model, comm);
            for (int s = 0; s < STEPS; s++) {
                int from = s * globalBatch + comm.rank() * b;
                StepResult r = step.run(s, () -> LinearTowersModel.batch(from, b, PIXELS, TOKENS, VOCAB));
                assertFalse(r.skipped());
            }
            return model.params().clone();
        });
    }

    @ParameterizedTest(name = "{0} N={1}")
    @CsvSource({"CLIP, 2", "CLIP, 3", "SIGLIP, 2", "SIGLIP, 4"})
    void shouldTrackSingleRankWithGlobalBatchOverSeveralSteps(LossType loss, int world) {
        int globalBatch = 12;
        float[] single = train(loss, 1, globalBatch, 4).getFirst();
        // a tiny bucket cap (64 floats) forces several buckets, launched during backward
        List<float[]> ranks = train(loss, world, globalBatch, 64.0 * 4 / (1024 * 1024));
        for (int r = 0; r < world; r++) {
            assertArrayEquals(ranks.getFirst(), ranks.get(r), 0f, "ranks must stay bit-identical: rank=" + r);
        }
        assertArrayEquals(single, ranks.getFirst(), 2e-5f);
        float[] init = new LinearTowersModel(PIXELS, VOCAB, E, loss == LossType.SIGLIP, 5).params();
        assertTrue(maxAbsDiff(init, single) > 1e-3, "training must move the parameters");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"CLIP", "SIGLIP"})
    void shouldSkipStepOnEveryRankAndHalveScaleWhenOneRankOverflows(LossType loss) {
        List<Object[]> out = LocalComms.runRanks(3, comm -> {
            LinearTowersModel model = new LinearTowersModel(PIXELS, VOCAB, E, loss == LossType.SIGLIP, 5);
            // no overlap: the overflow is injected after backward, when overlapped buckets could already
            // have been read by the allreduce (and its result would then overwrite the injected inf)
            TrainStep step = new TrainStep(config(loss, Precision.FP16, 4, 4).toBuilder().overlap(false).build(), model, comm);
            float[] before = model.params().clone();
            if (comm.rank() == 1) {
                step.afterBackward(() -> model.grads()[7] = Float.POSITIVE_INFINITY);
            }
            StepResult bad = step.run(0, () -> LinearTowersModel.batch(comm.rank() * 4, 4, PIXELS, TOKENS, VOCAB));
            float[] afterSkip = model.params().clone();
            step.afterBackward(() -> { });
            StepResult good = step.run(1, () -> LinearTowersModel.batch(12 + comm.rank() * 4, 4, PIXELS, TOKENS, VOCAB));
            return new Object[] {before, afterSkip, bad, good, step.scaler().scale(), model.params().clone()};
        });
        List<float[]> finals = new ArrayList<>();
        for (Object[] o : out) {
            StepResult bad = (StepResult) o[2];
            StepResult good = (StepResult) o[3];
            assertTrue(bad.skipped());
            assertEquals(65536.0, bad.lossScale());
            assertArrayEquals((float[]) o[0], (float[]) o[1], 0f, "skipped step must not touch params");
            assertFalse(good.skipped());
            assertEquals(32768.0, good.lossScale());
            assertEquals(32768.0, (double) o[4]);
            finals.add((float[]) o[5]);
        }
        assertArrayEquals(finals.get(0), finals.get(2), 0f);
    }

    /** fp16 on the wire rounds each gradient to 11 significant bits; training must still track fp32 closely. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"CLIP", "SIGLIP"})
    void shouldTrackFp32WireWithFp16Wire(LossType loss) {
        List<float[]> fp32 = train(loss, 2, 12, 4);
        List<float[]> fp16 = train(loss, 2, 12, 4, WireFormatChoice.FP16);
        assertArrayEquals(fp16.get(0), fp16.get(1), 0f, "ranks must agree with fp16 wire too");
        double maxDiff = maxAbsDiff(fp32.getFirst(), fp16.getFirst());
        assertTrue(maxDiff < 5e-3, "fp16 wire drifted: maxAbsDiff=" + maxDiff);
    }

    /** Accumulating the same micro-batch twice averages two identical gradients: the same update as one pass. */
    @org.junit.jupiter.api.Test
    void shouldAverageGradientsOverAccumulationSteps() {
        List<float[]> once = LocalComms.runRanks(2, comm -> {
            LinearTowersModel m = new LinearTowersModel(PIXELS, VOCAB, E, false, 5);
            TrainStep step = new TrainStep(config(LossType.CLIP, Precision.FP32, 4, 4), m, comm);
            step.run(0, () -> LinearTowersModel.batch(comm.rank() * 4, 4, PIXELS, TOKENS, VOCAB));
            return m.params().clone();
        });
        List<float[]> twice = LocalComms.runRanks(2, comm -> {
            LinearTowersModel m = new LinearTowersModel(PIXELS, VOCAB, E, false, 5);
            TrainConfig cfg = config(LossType.CLIP, Precision.FP32, 4, 4).toBuilder().accumSteps(2).build();
            TrainStep step = new TrainStep(cfg, m, comm);
            StepResult r = step.run(0, () -> LinearTowersModel.batch(comm.rank() * 4, 4, PIXELS, TOKENS, VOCAB));
            assertEquals(16, r.samples());
            return m.params().clone();
        });
        assertArrayEquals(once.getFirst(), twice.getFirst(), 1e-6f);
    }

    @org.junit.jupiter.api.Test
    void shouldFreezeTheImageTowerWithLockImage() {
        LocalComms.runRanks(2, comm -> {
            LinearTowersModel m = new LinearTowersModel(PIXELS, VOCAB, E, false, 5);
            float[] before = m.params().clone();
            TrainConfig cfg = config(LossType.CLIP, Precision.FP32, 4, 4).toBuilder().lockImage(true).build();
            TrainStep step = new TrainStep(cfg, m, comm);
            for (int s = 0; s < 2; s++) {
                int from = s * 8 + comm.rank() * 4;
                step.run(s, () -> LinearTowersModel.batch(from, 4, PIXELS, TOKENS, VOCAB));
            }
            int visual = E * PIXELS;
            assertArrayEquals(java.util.Arrays.copyOf(before, visual), java.util.Arrays.copyOf(m.params(), visual), 0f);
            assertTrue(maxAbsDiff(before, m.params()) > 1e-3, "the text tower must still train");
            return null;
        });
    }

    @org.junit.jupiter.api.Test
    void shouldGiveIdenticalResultsWithAndWithoutOverlap() {
        List<float[]> overlapped = trainTwoRanks(true);
        List<float[]> atTheEnd = trainTwoRanks(false);
        assertArrayEquals(overlapped.get(0), overlapped.get(1), 0f);
        assertArrayEquals(overlapped.get(0), atTheEnd.get(0), 0f);
    }

    private static List<float[]> trainTwoRanks(boolean overlap) {
        return LocalComms.runRanks(2, comm -> {
            LinearTowersModel model = new LinearTowersModel(PIXELS, VOCAB, E, false, 5);
            TrainStep step = new TrainStep(config(LossType.CLIP, Precision.FP32, 4, 64.0 * 4 / (1024 * 1024))
                    .toBuilder().overlap(overlap).build(), model, comm);
            for (int s = 0; s < 2; s++) {
                int from = s * 8 + comm.rank() * 4;
                step.run(s, () -> LinearTowersModel.batch(from, 4, PIXELS, TOKENS, VOCAB));
            }
            return model.params().clone();
        });
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }
}
