package io.ringclip.trainer.loop;

import io.ringclip.models.tensor.Precision;
import io.ringclip.trainer.amp.GradientMath;
import io.ringclip.trainer.amp.LossScaler;
import io.ringclip.trainer.config.LossType;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.dist.ContrastiveLoss;
import io.ringclip.trainer.dist.DistributedClipLoss;
import io.ringclip.trainer.dist.DistributedSigLipLoss;
import io.ringclip.trainer.dist.LossResult;
import io.ringclip.trainer.optim.AdamW;
import io.ringclip.trainer.optim.LrSchedule;
import io.ringclip.trainer.optim.ParamGroups;
import io.ringclip.trainer.optim.ParamSpan;
import io.ringclip.trainer.sync.BucketPlan;
import io.ringclip.trainer.sync.BucketedGradientSync;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * One worker's optimizer step, the same code in simulation mode and on a real cluster:
 * <pre>
 *   for each of A micro-batches:
 *     forward (precision) → distributed loss (grads × loss scale) → backward
 *       (last micro-batch only: backward reports finished slices → buckets allreduce while it runs)
 *   wait for the allreduce → unscale by 1/(scale·A), measure → global found-inf (allreduce MAX)
 *   → loss scaler decides (skip + halve, or apply) → global-norm clip → AdamW → clamp logit_scale
 * </pre>
 * Gradients are SUMmed over ranks: each rank's loss is its share of the global-batch mean
 * (see {@link ContrastiveLoss}), so the sum is the exact gradient of the global loss. After the
 * sync every rank holds identical gradients, so the norm, the clip and the update are identical
 * too; the found-inf flag is still reduced explicitly so that one decision holds everywhere even
 * if a rank's local arithmetic differed.
 */
public final class TrainStep {

    /** open_clip clamps the CLIP temperature at 100: logit_scale ∈ [0, ln 100]. */
    static final float MAX_LOGIT_SCALE = (float) Math.log(100);

    private final TrainConfig config;
    private final TrainableModel model;
    private final WorkerComm comm;
    private final ContrastiveLoss loss;
    private final List<ParamSpan> trainable;
    private final BucketedGradientSync sync;
    private final AdamW optimizer;
    private final LossScaler scaler;
    private final LrSchedule schedule;
    private final int logitScaleOffset;
    private final int logitBiasOffset;
    private volatile Runnable afterBackwardHook = () -> { };

    public TrainStep(TrainConfig config, TrainableModel model, WorkerComm comm) {
        this.config = config;
        this.model = model;
        this.comm = comm;
        this.loss = config.loss() == LossType.CLIP ? new DistributedClipLoss(comm) : new DistributedSigLipLoss(comm);
        ParamGroups groups = ParamGroups.of(model.spans(), config.lockImage());
        this.trainable = new ArrayList<>(groups.decayed());
        this.trainable.addAll(groups.undecayed());
        this.trainable.sort(java.util.Comparator.comparingInt(ParamSpan::offset));
        this.sync = new BucketedGradientSync(BucketPlan.of(trainable, config.bucketElements()), comm,
                model.grads(), config.overlap());
        this.optimizer = new AdamW(groups, model.params().length, config.beta1(), config.beta2(), config.eps(),
                config.weightDecay());
        this.scaler = new LossScaler(config.precision() == Precision.FP16); // bf16 has fp32's exponent range: no scaling
        this.schedule = new LrSchedule(config.lr(), config.warmupSteps(), config.steps());
        this.logitScaleOffset = offsetOf(model.spans(), "logit_scale");
        this.logitBiasOffset = config.loss() == LossType.SIGLIP ? offsetOf(model.spans(), "logit_bias") : -1;
        if (logitScaleOffset < 0 || (config.loss() == LossType.SIGLIP && logitBiasOffset < 0)) {
            throw new IllegalArgumentException("model lacks its loss parameters: loss=" + config.loss()
                    + ", logit_scale=" + (logitScaleOffset >= 0) + ", logit_bias=" + (logitBiasOffset >= 0));
        }
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public LossScaler scaler() {
        return scaler;
    }

    public BucketedGradientSync sync() {
        return sync;
    }

    public TrainableModel model() {
        return model;
    }

    /** Test seam: runs after the last backward, before the sync completes (e.g. to inject an inf). */
    void afterBackward(Runnable hook) {
        this.afterBackwardHook = hook;
    }

    /**
     * Runs optimizer step {@code step} on the next {@code accumSteps} batches of {@code batches}.
     * The random stream for patch dropout is derived from (seed, rank, step, micro-step), so a
     * resumed run draws exactly what an uninterrupted one would.
     */
    public StepResult run(int step, Supplier<StepInput> batches) {
        long t0 = System.nanoTime();
        final int accum = config.accumSteps();
        final int world = comm.worldSize();
        final float lossScale = (float) scaler.scale();
        float[] params = model.params();
        float[] grads = model.grads();
        double lossSum = 0;
        long samples = 0;
        long computeNanos = 0;

        for (int micro = 0; micro < accum; micro++) {
            long c0 = System.nanoTime();
            boolean last = micro == accum - 1;
            StepInput batch = batches.get();
            SplittableRandom rng = new SplittableRandom(mix(config.seed(), comm.rank(), step, micro));
            TrainableModel.Forward fwd = model.forward(batch, config.precision(), config.patchDropout(),
                    config.lockImage(), rng);
            float logitBias = logitBiasOffset >= 0 ? params[logitBiasOffset] : 0f;
            LossResult res = loss.compute(fwd.imageFeatures(), fwd.textFeatures(), batch.size(), model.embedDim(),
                    params[logitScaleOffset], logitBias, lossScale);
            lossSum += res.loss();
            samples += (long) batch.size() * world;
            // The scalar loss parameters' gradients go in before backward, which reports their slice as final.
            grads[logitScaleOffset] += (float) res.dLogitScale();
            if (logitBiasOffset >= 0) {
                grads[logitBiasOffset] += (float) res.dLogitBias();
            }
            TrainableModel.GradientReady ready = TrainableModel.GradientReady.NONE;
            if (last && world > 1) {
                sync.begin();
                ready = sync::gradientsReady;
            }
            fwd.backward(res.dImage(), res.dText(), ready);
            computeNanos += System.nanoTime() - c0;
        }
        afterBackwardHook.run();
        long commWait = 0;
        if (world > 1) {
            sync.finish();
            commWait = sync.lastWaitNanos();
        }

        GradientMath.Stats stats = GradientMath.unscaleAndMeasure(grads, trainable, 1f / (lossScale * accum));
        boolean foundInf = stats.nonFinite();
        if (world > 1) {
            float[] flag = {foundInf ? 1f : 0f};
            comm.allReduceMax(flag);
            foundInf = flag[0] > 0;
        }
        boolean apply = scaler.update(foundInf);
        double lr = schedule.lr(step);
        if (apply) {
            GradientMath.clip(grads, trainable, stats.norm(), config.gradClipNorm());
            optimizer.step(params, grads, lr);
            if (params[logitScaleOffset] > MAX_LOGIT_SCALE) {
                params[logitScaleOffset] = MAX_LOGIT_SCALE;
            } else if (params[logitScaleOffset] < 0) {
                params[logitScaleOffset] = 0;
            }
        }
        java.util.Arrays.fill(grads, 0f);
        return new StepResult(step, lossSum / accum, lr, foundInf ? Double.POSITIVE_INFINITY : stats.norm(),
                lossScale, !apply, samples, computeNanos, commWait, System.nanoTime() - t0);
    }

    static long mix(long seed, int rank, int step, int micro) {
        long z = seed * 0x9E3779B97F4A7C15L + rank;
        z = z * 0xBF58476D1CE4E5B9L + step;
        z = z * 0x94D049BB133111EBL + micro;
        return z ^ (z >>> 31);
    }

    private static int offsetOf(List<ParamSpan> spans, String name) {
        for (ParamSpan s : spans) {
            if (s.name().equals(name)) {
                return s.offset();
            }
        }
        return -1;
    }
}
