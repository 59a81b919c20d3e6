package io.ringclip.cli;

import io.ringclip.trainer.config.ConfigException;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.config.TrainConfigFiles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringclip train}: trains in simulation mode — {@code --workers N} workers as threads in
 * this JVM, joined by in-memory communicators, running the same worker code as a real cluster.
 * Flags override {@code --config FILE}; every flag has the same key in the file.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a CLIP or SigLIP model with N workers in this JVM (simulation mode).",
            "Writes metrics.jsonl, checkpoints/ and report.html into --out, prints zero-shot accuracy at the end.",
            "Example: ringclip train --workers 2 --loss siglip --precision fp16 --steps 500"
        })
public final class TrainCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Job spec in YAML (.yaml/.yml) or JSON; flags override it.")
    Path config;

    @Option(names = "--model", description = "Model config name (default: tiny).")
    String model;

    @Option(names = "--loss", paramLabel = "clip|siglip", description = "Contrastive loss (default: clip).")
    String loss;

    @Option(names = "--precision", paramLabel = "fp32|fp16|bf16", description = "Matmul precision; fp16 uses dynamic loss scaling (default: fp32).")
    String precision;

    @Option(names = "--data", paramLabel = "SPEC", description = "synthetic[:SIZE] | fashion-mnist[:DIR] | csv:PATH | wds:PATTERN (default: synthetic).")
    String data;

    @Option(names = "--batch", description = "Samples per worker per micro-step (default: 32).")
    Integer batch;

    @Option(names = "--steps", description = "Optimizer steps (default: 250).")
    Integer steps;

    @Option(names = "--lr", description = "Peak learning rate (default: 2e-3).")
    Double lr;

    @Option(names = "--warmup", description = "Warm-up steps (default: 10% of --steps).")
    Integer warmup;

    @Option(names = "--weight-decay", description = "AdamW weight decay (default: 0.1).")
    Double weightDecay;

    @Option(names = "--grad-clip", description = "Global gradient-norm clip, 0 = off (default: 1.0).")
    Double gradClip;

    @Option(names = "--seed", description = "Seed for init, data order and patch dropout (default: 42).")
    Long seed;

    @Option(names = "--workers", description = "Workers (threads) in this JVM (default: 1).")
    Integer workers;

    @Option(names = "--bucket-mb", description = "Gradient allreduce bucket size in MiB (default: 2, chosen by measurement; see BENCHMARKS.md).")
    Double bucketMb;

    @Option(names = "--wire", paramLabel = "fp32|fp16|bf16", description = "Gradient element type on the wire (default: fp32).")
    String wire;

    @Option(names = "--lock-image", description = "LiT: freeze the image tower.")
    Boolean lockImage;

    @Option(names = "--patch-dropout", description = "FLIP: fraction of image patches dropped in training (default: 0).")
    Double patchDropout;

    @Option(names = "--accum-steps", description = "Micro-steps per optimizer step (default: 1).")
    Integer accumSteps;

    @Option(names = "--eval-every", description = "Zero-shot eval every N steps, 0 = only at the end (default: 0).")
    Integer evalEvery;

    @Option(names = "--checkpoint-every", description = "Checkpoint every N steps, 0 = only at the end (default: 0).")
    Integer checkpointEvery;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directory (default: runs/<UTC timestamp>).")
    String out;

    @Option(names = "--resume", paramLabel = "latest|DIR", description = "Resume from the newest checkpoint in --out, or from a checkpoint directory.")
    String resume;

    @Option(names = "--no-overlap", description = "Start the gradient allreduce only after backward, for measuring overlap (job spec: overlap: false).")
    boolean noOverlap;

    @Override
    public Integer call() {
        TrainConfig cfg;
        try {
            cfg = resolve();
        } catch (ConfigException e) {
            System.err.println("ringclip train: " + e.getMessage());
            return 2;
        }
        return TrainLauncher.runSimulation(cfg);
    }

    /** The job spec: defaults, then {@code --config}, then flags. */
    TrainConfig resolve() {
        TrainConfig.Builder b = config != null ? TrainConfigFiles.load(config) : TrainConfig.builder();
        for (Map.Entry<String, Object> e : flags().entrySet()) {
            if (e.getValue() != null) {
                b.set(e.getKey(), String.valueOf(e.getValue()));
            }
        }
        return b.build();
    }

    private Map<String, Object> flags() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("loss", loss);
        m.put("precision", precision);
        m.put("data", data);
        m.put("batch", batch);
        m.put("steps", steps);
        m.put("lr", lr);
        m.put("warmup", warmup);
        m.put("weight-decay", weightDecay);
        m.put("grad-clip", gradClip);
        m.put("seed", seed);
        m.put("workers", workers);
        m.put("bucket-mb", bucketMb);
        m.put("overlap", noOverlap ? false : null);
        m.put("wire", wire);
        m.put("lock-image", lockImage);
        m.put("patch-dropout", patchDropout);
        m.put("accum-steps", accumSteps);
        m.put("eval-every", evalEvery);
        m.put("checkpoint-every", checkpointEvery);
        m.put("out", out);
        m.put("resume", resume);
        return m;
    }
}
