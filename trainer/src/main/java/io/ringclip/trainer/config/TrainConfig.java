package io.ringclip.trainer.config;

import io.ringclip.models.tensor.Precision;
import java.util.Locale;

/**
 * One training job, validated once and immutable afterwards. Every field has a kebab-case key
 * (see {@link Builder#set}) shared by YAML/JSON job files and CLI flags, so a job file and a
 * command line are two spellings of the same thing.
 *
 * <p>Batch semantics: {@code batchPerWorker} samples per worker per micro-step; the contrastive
 * loss sees the global batch {@code batchPerWorker × workers} (all-gathered), and one optimizer
 * step consumes {@code accumSteps} micro-steps.
 *
 * @param model            named model config, e.g. "tiny"
 * @param loss             CLIP (softmax) or SIGLIP (sigmoid)
 * @param precision        fp32 | fp16 (dynamic loss scaling) | bf16
 * @param data             data spec: synthetic | fashion-mnist | csv:PATH | wds:PATTERN
 * @param batchPerWorker   samples per worker per micro-step
 * @param steps            optimizer steps
 * @param lr               peak learning rate
 * @param warmupSteps      linear warm-up steps, then cosine decay to 0 at {@code steps}
 * @param weightDecay      decoupled (AdamW) weight decay for matrices; 0 for gains/biases/embeddings/logit params
 * @param beta1            Adam β1
 * @param beta2            Adam β2
 * @param eps              Adam ε
 * @param gradClipNorm     global L2 norm clip; 0 disables
 * @param seed             seeds model init, data order, patch dropout
 * @param workers          simulation-mode worker count (threads in this JVM)
 * @param bucketMb         gradient bucket size in MiB (fp32 bytes of the arena); see {@link Builder#DEFAULT_BUCKET_MB}
 * @param overlap          launch gradient buckets while backward runs (DDP-style); false: one allreduce pass after backward
 * @param wire             element type of gradients on the wire
 * @param lockImage        LiT: image tower frozen
 * @param patchDropout     FLIP: fraction of image patches dropped in training, [0, 1)
 * @param accumSteps       micro-steps per optimizer step
 * @param evalEvery        zero-shot eval every N steps; 0 = only at the end
 * @param checkpointEvery  checkpoint every N steps; 0 = only at the end
 * @param outDir           run directory (metrics.jsonl, checkpoints/, report.html)
 * @param resume           null, "latest" (newest checkpoint under outDir) or a checkpoint directory
 */
public record TrainConfig(
        String model,
        LossType loss,
        Precision precision,
        String data,
        int batchPerWorker,
        int steps,
        double lr,
        int warmupSteps,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        double gradClipNorm,
        long seed,
        int workers,
        double bucketMb,
        boolean overlap,
        WireFormatChoice wire,
        boolean lockImage,
        double patchDropout,
        int accumSteps,
        int evalEvery,
        int checkpointEvery,
        String outDir,
        String resume) {

    public TrainConfig {
        requireText("model", model);
        requireNonNull("loss", loss);
        requireNonNull("precision", precision);
        requireText("data", data);
        requirePositive("batch", batchPerWorker);
        requirePositive("steps", steps);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw ConfigException.field("lr", "must be a finite number > 0", lr);
        }
        if (warmupSteps < 0 || warmupSteps > steps) {
            throw ConfigException.field("warmup", "must be in [0, steps=" + steps + "]", warmupSteps);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw ConfigException.field("weight-decay", "must be a finite number >= 0", weightDecay);
        }
        requireUnitInterval("beta1", beta1);
        requireUnitInterval("beta2", beta2);
        if (!(eps > 0)) {
            throw ConfigException.field("eps", "must be > 0", eps);
        }
        if (!(gradClipNorm >= 0)) {
            throw ConfigException.field("grad-clip", "must be >= 0 (0 disables clipping)", gradClipNorm);
        }
        requirePositive("workers", workers);
        if (!(bucketMb > 0) || bucketMb > 1024) {
            throw ConfigException.field("bucket-mb", "must be in (0, 1024]", bucketMb);
        }
        requireNonNull("wire", wire);
        if (!(patchDropout >= 0 && patchDropout < 1)) {
            throw ConfigException.field("patch-dropout", "must be in [0, 1)", patchDropout);
        }
        requirePositive("accum-steps", accumSteps);
        if (evalEvery < 0) {
            throw ConfigException.field("eval-every", "must be >= 0 (0 = only at the end)", evalEvery);
        }
        if (checkpointEvery < 0) {
            throw ConfigException.field("checkpoint-every", "must be >= 0 (0 = only at the end)", checkpointEvery);
        }
        requireText("out", outDir);
        if (resume != null && resume.isBlank()) {
            resume = null;
        }
    }

    /** Samples the loss sees per micro-step: batch per worker × workers. */
    public int globalBatch(int worldSize) {
        return batchPerWorker * worldSize;
    }

    /** Gradient bucket size in float elements. */
    public int bucketElements() {
        return (int) Math.max(1, Math.round(bucketMb * 1024 * 1024 / Float.BYTES));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    private static void requireText(String field, String v) {
        if (v == null || v.isBlank()) {
            throw ConfigException.field(field, "must not be empty", v);
        }
    }

    private static void requireNonNull(String field, Object v) {
        if (v == null) {
            throw ConfigException.field(field, "must be set", null);
        }
    }

    private static void requirePositive(String field, long v) {
        if (v < 1) {
            throw ConfigException.field(field, "must be >= 1", v);
        }
    }

    private static void requireUnitInterval(String field, double v) {
        if (!(v >= 0 && v < 1)) {
            throw ConfigException.field(field, "must be in [0, 1)", v);
        }
    }

    /**
     * Mutable twin of {@link TrainConfig}; {@link #build()} validates. Defaults are chosen so that
     * {@code ringclip train --workers 2} trains the tiny model on synthetic data in a few minutes
     * on a 2-core machine and reaches zero-shot accuracy far above chance.
     */
    public static final class Builder {
        /**
         * Gradient bucket size in MiB, chosen from measurement (BENCHMARKS.md, "Training (trainer)",
         * bucket sweep: tiny, 2 worker processes on loopback, three rounds). Every cap that splits
         * the gradients into several buckets (0.25–4 MiB) waited 3.5–5.0 % of the step on the sync
         * (means over the rounds), one bucket (8 or 25 MiB, or after backward) 6.9–7.0 %; throughput
         * differences were below the run-to-run noise; within 0.25–4 MiB the rounds did
         * not separate the caps. 2 MiB sits inside that band with margin on both sides: tiny's 6.7 MiB
         * become 4 buckets (4 MiB gives only 2, 8 MiB one, i.e. no overlap), while a big model does
         * not pay comm's fixed per-operation cost (~0.4 ms even for a 64 KiB allreduce at n = 2)
         * thousands of times per step as 0.25 MiB buckets would; and comm's ring allreduce moved
         * 1 MiB messages at a higher busbw than 16 MiB ones (Collectives section), so larger
         * buckets buy no bandwidth here.
         */
        public static final double DEFAULT_BUCKET_MB = 2;

        public static final String[] KEYS = {
            "model", "loss", "precision", "data", "batch", "steps", "lr", "warmup", "weight-decay",
            "beta1", "beta2", "eps", "grad-clip", "seed", "workers", "bucket-mb", "overlap", "wire", "lock-image",
            "patch-dropout", "accum-steps", "eval-every", "checkpoint-every", "out", "resume",
        };

        private String model = "tiny";
        private LossType loss = LossType.CLIP;
        private Precision precision = Precision.FP32;
        private String data = "synthetic";
        private int batchPerWorker = 32;
        private int steps = 250;
        private double lr = 2e-3;
        private int warmupSteps = 25;
        private double weightDecay = 0.1;
        private double beta1 = 0.9;
        private double beta2 = 0.98;
        private double eps = 1e-6;
        private double gradClipNorm = 1.0;
        private long seed = 42;
        private int workers = 1;
        private double bucketMb = DEFAULT_BUCKET_MB;
        private boolean overlap = true;
        private WireFormatChoice wire = WireFormatChoice.FP32;
        private boolean lockImage = false;
        private double patchDropout = 0;
        private int accumSteps = 1;
        private int evalEvery = 0;
        private int checkpointEvery = 0;
        private String outDir = null;
        private String resume = null;
        private boolean warmupExplicit = false;

        Builder() {}

        Builder(TrainConfig c) {
            model = c.model;
            loss = c.loss;
            precision = c.precision;
            data = c.data;
            batchPerWorker = c.batchPerWorker;
            steps = c.steps;
            lr = c.lr;
            warmupSteps = c.warmupSteps;
            warmupExplicit = true;
            weightDecay = c.weightDecay;
            beta1 = c.beta1;
            beta2 = c.beta2;
            eps = c.eps;
            gradClipNorm = c.gradClipNorm;
            seed = c.seed;
            workers = c.workers;
            bucketMb = c.bucketMb;
            overlap = c.overlap;
            wire = c.wire;
            lockImage = c.lockImage;
            patchDropout = c.patchDropout;
            accumSteps = c.accumSteps;
            evalEvery = c.evalEvery;
            checkpointEvery = c.checkpointEvery;
            outDir = c.outDir;
            resume = c.resume;
        }

        /**
         * Sets a field from its text form (YAML scalar or CLI value); the error names the key.
         * Keys are kebab-case ({@code weight-decay}); camelCase and snake_case spellings are accepted too.
         */
        public Builder set(String key, String value) {
            String k = canonicalKey(key);
            if (value == null) {
                throw ConfigException.field(k, "must not be null", null);
            }
            String v = value.trim();
            switch (k) {
                case "model" -> model = v;
                case "loss" -> loss = parseEnum(k, LossType.class, v);
                case "precision" -> precision = parseEnum(k, Precision.class, v);
                case "data" -> data = v;
                case "batch" -> batchPerWorker = parseInt(k, v);
                case "steps" -> steps = parseInt(k, v);
                case "lr" -> lr = parseDouble(k, v);
                case "warmup" -> {
                    warmupSteps = parseInt(k, v);
                    warmupExplicit = true;
                }
                case "weight-decay" -> weightDecay = parseDouble(k, v);
                case "beta1" -> beta1 = parseDouble(k, v);
                case "beta2" -> beta2 = parseDouble(k, v);
                case "eps" -> eps = parseDouble(k, v);
                case "grad-clip" -> gradClipNorm = parseDouble(k, v);
                case "seed" -> seed = parseLong(k, v);
                case "workers" -> workers = parseInt(k, v);
                case "bucket-mb" -> bucketMb = parseDouble(k, v);
                case "overlap" -> overlap = parseBoolean(k, v);
                case "wire" -> wire = parseEnum(k, WireFormatChoice.class, v);
                case "lock-image" -> lockImage = parseBoolean(k, v);
                case "patch-dropout" -> patchDropout = parseDouble(k, v);
                case "accum-steps" -> accumSteps = parseInt(k, v);
                case "eval-every" -> evalEvery = parseInt(k, v);
                case "checkpoint-every" -> checkpointEvery = parseInt(k, v);
                case "out" -> outDir = v;
                case "resume" -> resume = v.isEmpty() ? null : v;
                default -> throw new ConfigException("invalid config: unknown field=" + key
                        + " (known: " + String.join(", ", KEYS) + ")");
            }
            return this;
        }

        public Builder model(String v) { model = v; return this; }
        public Builder loss(LossType v) { loss = v; return this; }
        public Builder precision(Precision v) { precision = v; return this; }
        public Builder data(String v) { data = v; return this; }
        public Builder batchPerWorker(int v) { batchPerWorker = v; return this; }
        public Builder steps(int v) { steps = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; warmupExplicit = true; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder gradClipNorm(double v) { gradClipNorm = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder bucketMb(double v) { bucketMb = v; return this; }
        public Builder overlap(boolean v) { overlap = v; return this; }
        public Builder wire(WireFormatChoice v) { wire = v; return this; }
        public Builder lockImage(boolean v) { lockImage = v; return this; }
        public Builder patchDropout(double v) { patchDropout = v; return this; }
        public Builder accumSteps(int v) { accumSteps = v; return this; }
        public Builder evalEvery(int v) { evalEvery = v; return this; }
        public Builder checkpointEvery(int v) { checkpointEvery = v; return this; }
        public Builder outDir(String v) { outDir = v; return this; }
        public Builder resume(String v) { resume = v; return this; }

        /**
         * Validates and freezes. Warm-up defaults to 10 % of the steps unless set explicitly, so
         * a short {@code --steps} still gets a sensible schedule; the out dir defaults to
         * {@code runs/<UTC timestamp>}.
         */
        public TrainConfig build() {
            int warmup = warmupExplicit ? warmupSteps : Math.min(steps > 0 ? steps : 0, Math.max(0, steps / 10));
            String out = outDir != null ? outDir : "runs/" + java.time.format.DateTimeFormatter
                    .ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now());
            return new TrainConfig(model, loss, precision, data, batchPerWorker, steps, lr, warmup,
                    weightDecay, beta1, beta2, eps, gradClipNorm, seed, workers, bucketMb, overlap, wire, lockImage,
                    patchDropout, accumSteps, evalEvery, checkpointEvery, out, resume);
        }

        static String canonicalKey(String key) {
            String k = key.trim();
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < k.length(); i++) {
                char c = k.charAt(i);
                if (c == '_') {
                    sb.append('-');
                } else if (Character.isUpperCase(c)) {
                    sb.append('-').append(Character.toLowerCase(c));
                } else {
                    sb.append(c);
                }
            }
            String s = sb.toString();
            return switch (s) {
                case "batch-per-worker", "batch-size" -> "batch";
                case "warmup-steps" -> "warmup";
                case "grad-clip-norm" -> "grad-clip";
                case "out-dir" -> "out";
                default -> s;
            };
        }

        private static int parseInt(String field, String v) {
            try {
                return Integer.parseInt(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw ConfigException.field(field, "not an integer", v);
            }
        }

        private static long parseLong(String field, String v) {
            try {
                return Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw ConfigException.field(field, "not an integer", v);
            }
        }

        private static double parseDouble(String field, String v) {
            try {
                return Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw ConfigException.field(field, "not a number", v);
            }
        }

        private static boolean parseBoolean(String field, String v) {
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> true;
                case "false", "no", "off", "0" -> false;
                default -> throw ConfigException.field(field, "not a boolean (true|false)", v);
            };
        }

        private static <E extends Enum<E>> E parseEnum(String field, Class<E> type, String v) {
            try {
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                StringBuilder allowed = new StringBuilder();
                for (E c : type.getEnumConstants()) {
                    allowed.append(allowed.isEmpty() ? "" : "|").append(c.name().toLowerCase(Locale.ROOT));
                }
                throw ConfigException.field(field, "must be one of " + allowed, v);
            }
        }
    }
}
