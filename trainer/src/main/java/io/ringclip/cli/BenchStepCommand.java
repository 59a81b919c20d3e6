package io.ringclip.cli;

import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.loss.ClipLoss;
import io.ringclip.models.loss.LossResult;
import io.ringclip.models.loss.SigLipLoss;
import io.ringclip.models.model.AttentionKind;
import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.ForwardOptions;
import io.ringclip.models.model.ForwardPass;
import io.ringclip.models.model.GradientReadyListener;
import io.ringclip.models.model.LossKind;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tensor.ParameterArena;
import io.ringclip.models.tensor.ParameterView;
import io.ringclip.models.tensor.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code ringclip bench step}: training-step throughput of one worker on random data, the Java side of
 * {@code bench/clip_step_torch.py}. A step = forward (both towers) + local loss + backward + an AdamW loop
 * over the arena (lr 1e-3, betas 0.9/0.999, eps 1e-8, weight decay 0.1 on ≥2-D tensors, as the peer).
 * FLOPs are counted as the peer counts them: 3 × the forward matmul FLOPs (attention with the full T×T).
 */
@Command(name = "step", mixinStandardHelpOptions = true,
        description = "Time training steps (forward + loss + backward + AdamW) of one worker on random data.")
public final class BenchStepCommand implements Callable<Integer> {

    @Option(names = "--model", defaultValue = "tiny", description = "Model config: tiny or vit-b-16 (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--loss", defaultValue = "clip", description = "clip or siglip (default: ${DEFAULT-VALUE}).")
    LossKind loss;

    @Option(names = "--precision", defaultValue = "fp32", description = "fp32, fp16 or bf16 (default: ${DEFAULT-VALUE}).")
    Precision precision;

    @Option(names = "--attention", defaultValue = "flash", description = "flash or plain (default: ${DEFAULT-VALUE}).")
    AttentionKind attention;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for GEMM and the other ops (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--steps", defaultValue = "10", description = "Measured steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "Warm-up steps, not measured (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--patch-dropout", defaultValue = "0", description = "FLIP patch dropout fraction (default: ${DEFAULT-VALUE}).")
    double patchDropout;

    @Option(names = "--memory-only", description = "Run one training forward and print the memory it needs (large configs).")
    boolean memoryOnly;

    @Option(names = "--json", description = "Also write the results as JSON to this file.")
    Path json;

    @Override
    public Integer call() throws IOException {
        if (batch < 1 || steps < 1 || warmup < 0 || threads < 1) {
            throw new IllegalArgumentException("bad bench arguments: batch=" + batch + ", steps=" + steps
                    + ", warmup=" + warmup + ", threads=" + threads);
        }
        ModelConfig cfg = ModelConfig.named(model);
        Gemm.setThreads(threads);
        ClipModel m = ClipModel.create(cfg, loss, 0);
        ParameterArena arena = m.arena();
        Adam adam = new Adam(arena);
        SplittableRandom rng = new SplittableRandom(0);
        int nBatches = 4;
        float[][] images = new float[nBatches][batch * cfg.imageElements()];
        int[][] tokens = new int[nBatches][batch * cfg.contextLength()];
        for (int i = 0; i < nBatches; i++) {
            for (int j = 0; j < images[i].length; j++) {
                images[i][j] = (float) rng.nextGaussian();
            }
            for (int j = 0; j < tokens[i].length; j++) {
                tokens[i][j] = rng.nextInt(cfg.vocabSize());
            }
        }
        ForwardOptions opts = ForwardOptions.defaults().withPrecision(precision).withAttention(attention)
                .withThreads(threads).withPatchDropout(patchDropout).withRng(new SplittableRandom(1));
        System.out.printf(Locale.ROOT, "bench step: model=%s batch=%d loss=%s precision=%s attention=%s threads=%d gemm=%s params=%d%n",
                model, batch, loss, precision, attention, threads, Gemm.kernel().name(), arena.size());

        if (memoryOnly) {
            ForwardPass fwd = m.forward(images[0], tokens[0], batch, opts);
            long act = fwd.activationBytes();
            long ws = m.workspaceBytes();
            long arenaBytes = 4L * arena.size() * 4;
            System.out.printf(Locale.ROOT, "memory per step: activations %.1f MiB + workspace %.1f MiB + params/grads/Adam %.1f MiB"
                    + " = %.1f MiB%n", mib(act), mib(ws), mib(arenaBytes), mib(act + ws + arenaBytes));
            return 0;
        }
        int total = warmup + steps;
        double[] fwdMs = new double[steps], lossMs = new double[steps], bwdMs = new double[steps],
                optMs = new double[steps], stepMs = new double[steps];
        long activationBytes = 0;
        double lastLoss = 0;
        for (int s = 0; s < total; s++) {
            int bi = s % nBatches;
            long t0 = System.nanoTime();
            ForwardPass fwd = m.forward(images[bi], tokens[bi], batch, opts);
            long t1 = System.nanoTime();
            LossResult r = loss == LossKind.CLIP
                    ? ClipLoss.compute(fwd.imageFeatures(), fwd.textFeatures(), batch, cfg.embedDim(), m.logitScale())
                    : SigLipLoss.compute(fwd.imageFeatures(), fwd.textFeatures(), batch, cfg.embedDim(),
                    m.logitScale(), m.logitBias());
            long t2 = System.nanoTime();
            arena.zeroGrads();
            fwd.backward(r.dImage(), r.dText(), (float) r.dLogitScale(), (float) r.dLogitBias(), GradientReadyListener.NONE);
            long t3 = System.nanoTime();
            adam.step(arena);
            long t4 = System.nanoTime();
            activationBytes = fwd.activationBytes();
            lastLoss = r.loss();
            if (s >= warmup) {
                int i = s - warmup;
                fwdMs[i] = (t1 - t0) / 1e6;
                lossMs[i] = (t2 - t1) / 1e6;
                bwdMs[i] = (t3 - t2) / 1e6;
                optMs[i] = (t4 - t3) / 1e6;
                stepMs[i] = (t4 - t0) / 1e6;
                System.out.printf(Locale.ROOT, "  step %d: %.0f ms (fwd %.0f, loss %.1f, bwd %.0f, opt %.0f), loss %.4f%n",
                        i, stepMs[i], fwdMs[i], lossMs[i], bwdMs[i], optMs[i], r.loss());
            } else {
                System.out.printf(Locale.ROOT, "  warm-up %d: %.0f ms%n", s, (t4 - t0) / 1e6);
            }
        }
        double median = median(stepMs);
        double samplesPerSecond = batch / (median / 1000);
        double gflop = trainingFlops(cfg, batch) / 1e9;
        double gflops = gflop / (median / 1000);
        long arenaBytes = 4L * arena.size() * 4; // values, grads, Adam m and v
        long workspace = m.workspaceBytes();
        long peak = activationBytes + workspace + arenaBytes;
        System.out.printf(Locale.ROOT, "samples/s %.1f | step median %.0f ms (min %.0f) | fwd %.0f ms, loss %.1f ms, bwd %.0f ms, opt %.0f ms"
                        + " (fwd/bwd/opt %.0f/%.0f/%.0f %%) | %.1f GFLOP/step, %.1f GFLOP/s%n",
                samplesPerSecond, median, Arrays.stream(stepMs).min().orElse(0), median(fwdMs), median(lossMs),
                median(bwdMs), median(optMs), 100 * median(fwdMs) / median, 100 * median(bwdMs) / median,
                100 * median(optMs) / median, gflop, gflops);
        System.out.printf(Locale.ROOT, "memory per step: activations %.1f MiB + workspace %.1f MiB + params/grads/Adam %.1f MiB = %.1f MiB"
                        + " (JVM heap used now %.1f MiB); last loss %.4f%n",
                mib(activationBytes), mib(workspace), mib(arenaBytes), mib(peak),
                mib(Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()), lastLoss);
        if (json != null) {
            String body = String.format(Locale.ROOT, "{\"model\": \"%s\", \"batch\": %d, \"loss\": \"%s\", \"precision\": \"%s\","
                            + " \"attention\": \"%s\", \"threads\": %d, \"gemm\": \"%s\", \"steps\": %d,"
                            + " \"samples_per_second\": %.3f, \"step_ms_median\": %.3f, \"step_ms_min\": %.3f,"
                            + " \"forward_ms_median\": %.3f, \"loss_ms_median\": %.3f, \"backward_ms_median\": %.3f,"
                            + " \"optimizer_ms_median\": %.3f, \"gflop_per_step\": %.4f, \"gflops\": %.3f,"
                            + " \"activation_bytes\": %d, \"workspace_bytes\": %d, \"arena_bytes\": %d, \"peak_bytes\": %d}%n",
                    model, batch, loss.name().toLowerCase(Locale.ROOT), precision.name().toLowerCase(Locale.ROOT),
                    attention.name().toLowerCase(Locale.ROOT), threads, Gemm.kernel().name(), steps, samplesPerSecond,
                    median, Arrays.stream(stepMs).min().orElse(0), median(fwdMs), median(lossMs), median(bwdMs),
                    median(optMs), gflop, gflops, activationBytes, workspace, arenaBytes, peak);
            if (json.getParent() != null) {
                Files.createDirectories(json.getParent());
            }
            Files.writeString(json, body, StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** 3 × forward matmul FLOPs, exactly as bench/clip_step_torch.py counts them. */
    static double trainingFlops(ModelConfig c, int batch) {
        double pd = c.channels() * c.patchSize() * c.patchSize();
        double img = 2.0 * c.patches() * pd * c.visionWidth() + c.visionLayers() * block(c.visionTokens(), c.visionWidth(), c.mlpRatio())
                + 2.0 * c.visionWidth() * c.embedDim();
        double txt = c.textLayers() * block(c.contextLength(), c.textWidth(), c.mlpRatio()) + 2.0 * c.textWidth() * c.embedDim();
        double logits = 2.0 * batch * batch * c.embedDim();
        return 3 * (batch * (img + txt) + logits);
    }

    private static double block(double l, double d, double r) {
        return 2 * l * d * 3 * d + 2 * l * l * d + 2 * l * l * d + 2 * l * d * d + 2 * l * d * r * d + 2 * l * r * d * d;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** The peer's optimizer: AdamW, decay 0.1 on tensors of rank ≥ 2 only; one flat loop per view. */
    static final class Adam {
        private final float[] m;
        private final float[] v;
        private int t;

        Adam(ParameterArena arena) {
            m = new float[arena.size()];
            v = new float[arena.size()];
        }

        void step(ParameterArena arena) {
            t++;
            float lr = 1e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
            float c1 = 1f / (1f - (float) Math.pow(b1, t));
            float c2 = 1f / (1f - (float) Math.pow(b2, t));
            float[] w = arena.values();
            float[] g = arena.grads();
            for (ParameterView view : arena.views()) {
                float decay = view.rank() >= 2 ? 1f - lr * 0.1f : 1f;
                for (int i = view.offset(); i < view.end(); i++) {
                    float gi = g[i];
                    m[i] = b1 * m[i] + (1 - b1) * gi;
                    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                    w[i] = w[i] * decay - lr * (m[i] * c1) / ((float) Math.sqrt(v[i] * c2) + eps);
                }
            }
        }
    }
}
