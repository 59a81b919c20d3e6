package io.ringclip.models.model;

import io.ringclip.models.nn.PatchDropout;
import io.ringclip.models.tensor.ParameterArena;
import io.ringclip.models.tensor.ParameterView;
import io.ringclip.models.tensor.Precision;

import java.util.SplittableRandom;

/**
 * A CLIP or SigLIP model: ViT image tower, causal text tower and the loss scalars, all parameters in
 * one {@link ParameterArena} under open_clip's state_dict names.
 *
 * <p>Arena order is the reverse of the backward order (image tower, text tower, then
 * {@code logit_scale}[, {@code logit_bias}]), so the ranges backward finishes are contiguous and
 * arrive from the end of the arena towards offset 0 (see {@link GradientReadyListener}).
 *
 * <p>Not thread-safe: one model per worker thread. A new {@link #forward} reuses the buffers of the
 * previous one (no allocation per step), so a {@link ForwardPass} is valid until the next forward.
 */
public final class ClipModel {

    /** CLIP's initial logit_scale, log(1/0.07); the loss clamps exp(logit_scale) at 100 ({@code ClipLoss}). */
    public static final float CLIP_INIT_LOGIT_SCALE = (float) Math.log(1 / 0.07);
    public static final float SIGLIP_INIT_LOGIT_SCALE = (float) Math.log(10);
    public static final float SIGLIP_INIT_LOGIT_BIAS = -10f;

    private static final int ENCODE_CHUNK = 64;

    private final ModelConfig cfg;
    private final LossKind kind;
    private final ParameterArena arena;
    private final VisionTower vision;
    private final TextTower text;
    private final int logitScale;
    private final int logitBias;
    private LowPrecisionWeights lowWeights;
    private TrainState train;
    private InferenceState inference;
    private long generation;

    private ClipModel(ModelConfig cfg, LossKind kind) {
        this.cfg = cfg;
        this.kind = kind;
        ParameterArena.Builder b = ParameterArena.builder();
        vision = new VisionTower(b, cfg);
        text = new TextTower(b, cfg);
        logitScale = b.add("logit_scale").offset();
        logitBias = kind == LossKind.SIGLIP ? b.add("logit_bias").offset() : -1;
        arena = b.build();
    }

    /** A model with open_clip-like random initialisation. */
    public static ClipModel create(ModelConfig cfg, LossKind kind, long seed) {
        ClipModel m = new ClipModel(cfg, kind);
        new Initializer(m.arena, new SplittableRandom(seed)).initialize(cfg, kind);
        return m;
    }

    public ParameterArena arena() {
        return arena;
    }

    public ModelConfig config() {
        return cfg;
    }

    public LossKind lossKind() {
        return kind;
    }

    /** The stored {@code logit_scale} parameter: the log of the temperature multiplier. */
    public float logitScale() {
        return arena.values()[logitScale];
    }

    /** The stored {@code logit_bias} (SigLIP); 0 for CLIP, which has none. */
    public float logitBias() {
        return logitBias < 0 ? 0f : arena.values()[logitBias];
    }

    /** Arena range of the image tower [start, end): frozen under LiT. */
    public int visionStart() {
        return vision.start;
    }

    public int visionEnd() {
        return vision.end;
    }

    /**
     * Training forward of both towers.
     *
     * @param images preprocessed images [batch, C, H, W]; not needed after this call
     * @param tokens token ids [batch, T]; copied
     */
    public ForwardPass forward(float[] images, int[] tokens, int batch, ForwardOptions opts) {
        checkInputs(images, tokens, batch);
        int kept = opts.patchDropout() > 0 ? PatchDropout.keptPatches(cfg.patches(), opts.patchDropout()) : cfg.patches();
        TrainState st = trainState(batch, kept, opts);
        generation++;
        LowPrecisionWeights low = null;
        if (opts.precision().isLow()) {
            if (lowWeights == null || lowWeights.precision() != opts.precision()) {
                lowWeights = new LowPrecisionWeights(opts.precision(), arena.values(), largestWeightUnit());
            }
            low = lowWeights;
        }
        StepContext cx = new StepContext(low, generation, arena.values(), arena.grads(), opts.precision(), opts.threads(),
                opts.attention(), st.ws);
        if (opts.lockImage()) {
            StepContext frozen = new StepContext(null, generation, arena.values(), null, Precision.FP32, opts.threads(),
                    opts.attention(), st.ws);
            vision.forward(st.vision, images, opts.rng(), frozen);
        } else {
            vision.forward(st.vision, images, opts.rng(), cx);
        }
        text.forward(st.text, tokens, 0, cx);
        return new ForwardPass(this, generation, cx, st.vision, st.text, opts.lockImage(), batch);
    }

    /** L2-normalised image features [batch, E]; fp32, no activations kept. */
    public float[] encodeImages(float[] images, int batch) {
        checkCount(images.length, batch, cfg.imageElements(), "images");
        float[] out = new float[batch * cfg.embedDim()];
        int e = cfg.embedDim();
        float[] chunk = new float[Math.min(batch, ENCODE_CHUNK) * cfg.imageElements()];
        for (int s = 0; s < batch; s += ENCODE_CHUNK) {
            int n = Math.min(ENCODE_CHUNK, batch - s);
            InferenceState st = inferenceState(n);
            System.arraycopy(images, s * cfg.imageElements(), chunk, 0, n * cfg.imageElements());
            vision.forward(st.vision, chunk, new SplittableRandom(0), st.cx);
            System.arraycopy(st.vision.headActs.features, 0, out, s * e, n * e);
        }
        return out;
    }

    /** L2-normalised text features [batch, E]; fp32, no activations kept. */
    public float[] encodeTexts(int[] tokens, int batch) {
        checkCount(tokens.length, batch, cfg.contextLength(), "tokens");
        float[] out = new float[batch * cfg.embedDim()];
        int e = cfg.embedDim();
        for (int s = 0; s < batch; s += ENCODE_CHUNK) {
            int n = Math.min(ENCODE_CHUNK, batch - s);
            InferenceState st = inferenceState(n);
            text.forward(st.text, tokens, s * cfg.contextLength(), st.cx);
            System.arraycopy(st.text.headActs.features, 0, out, s * e, n * e);
        }
        return out;
    }

    /** Bytes of the reusable scratch of the current training shape (0 before the first forward). */
    public long workspaceBytes() {
        return train == null ? 0 : train.ws.bytes() + (lowWeights == null ? 0 : lowWeights.bytes());
    }

    // ---- internals used by ForwardPass

    long generation() {
        return generation;
    }

    VisionTower vision() {
        return vision;
    }

    TextTower text() {
        return text;
    }

    int logitScaleOffset() {
        return logitScale;
    }

    int logitBiasOffset() {
        return logitBias;
    }

    private void checkInputs(float[] images, int[] tokens, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1: batch=" + batch);
        }
        checkCount(images.length, batch, cfg.imageElements(), "images");
        checkCount(tokens.length, batch, cfg.contextLength(), "tokens");
    }

    private static void checkCount(int length, int batch, int perSample, String what) {
        if ((long) batch * perSample > length) {
            throw new IllegalArgumentException(what + " array too short: length=" + length + ", batch=" + batch
                    + ", perSample=" + perSample);
        }
    }

    /** The largest contiguous range of matmul weights used together: a block, a head or the patch embedding. */
    private int largestWeightUnit() {
        int n = Math.max(vision.head.end - vision.head.start, text.head.end - text.head.start);
        n = Math.max(n, cfg.visionWidth() * cfg.channels() * cfg.patchSize() * cfg.patchSize());
        for (TransformerBlock b : vision.transformer.blocks) {
            n = Math.max(n, b.end - b.start);
        }
        for (TransformerBlock b : text.transformer.blocks) {
            n = Math.max(n, b.end - b.start);
        }
        return n;
    }

    private int maxWidth() {
        return Math.max(cfg.visionWidth(), cfg.textWidth());
    }

    private int maxRows(int batch) {
        return batch * Math.max(cfg.visionTokens(), cfg.contextLength());
    }

    private TrainState trainState(int batch, int kept, ForwardOptions o) {
        if (train == null || train.batch != batch || train.kept != kept || train.precision != o.precision()
                || train.attention != o.attention() || train.lockImage != o.lockImage()) {
            train = null; // drop the old buffers before allocating new ones
            Workspace ws = new Workspace(maxRows(batch), maxWidth(), cfg.mlpRatio() * maxWidth(), o.precision(), true);
            VisionTower.Activations va = o.lockImage()
                    ? vision.new Activations(batch, kept, Precision.FP32, o.attention(), ws, true)
                    : vision.new Activations(batch, kept, o.precision(), o.attention(), ws, false);
            TextTower.Activations ta = text.new Activations(batch, o.precision(), o.attention(), ws, false);
            train = new TrainState(batch, kept, o.precision(), o.attention(), o.lockImage(), ws, va, ta);
        }
        return train;
    }

    private InferenceState inferenceState(int batch) {
        if (inference == null || inference.batch != batch) {
            Workspace ws = new Workspace(maxRows(batch), maxWidth(), cfg.mlpRatio() * maxWidth(), Precision.FP32, false);
            StepContext cx = new StepContext(null, 0, arena.values(), null, Precision.FP32,
                    Runtime.getRuntime().availableProcessors(), AttentionKind.FLASH, ws);
            inference = new InferenceState(batch, cx,
                    vision.new Activations(batch, cfg.patches(), Precision.FP32, AttentionKind.FLASH, ws, true),
                    text.new Activations(batch, Precision.FP32, AttentionKind.FLASH, ws, true));
        }
        return inference;
    }

    private record TrainState(int batch, int kept, Precision precision, AttentionKind attention, boolean lockImage,
                              Workspace ws, VisionTower.Activations vision, TextTower.Activations text) {}

    private record InferenceState(int batch, StepContext cx, VisionTower.Activations vision,
                                  TextTower.Activations text) {}

    /** Sets every named parameter; open_clip's init scheme (see {@code CLIP.init_parameters}). */
    private static final class Initializer {
        private final ParameterArena arena;
        private final SplittableRandom rng;

        Initializer(ParameterArena arena, SplittableRandom rng) {
            this.arena = arena;
            this.rng = rng;
        }

        void initialize(ModelConfig cfg, LossKind kind) {
            int vw = cfg.visionWidth();
            int tw = cfg.textWidth();
            int k = cfg.channels() * cfg.patchSize() * cfg.patchSize();
            uniform("visual.conv1.weight", 1.0 / Math.sqrt(k)); // nn.Conv2d default
            normal("visual.class_embedding", Math.pow(vw, -0.5));
            normal("visual.positional_embedding", Math.pow(vw, -0.5));
            ones("visual.ln_pre.weight");
            blocks("visual.transformer.", cfg.visionLayers(), vw, cfg.mlpRatio());
            ones("visual.ln_post.weight");
            normal("visual.proj", Math.pow(vw, -0.5));
            normal("token_embedding.weight", 0.02);
            normal("positional_embedding", 0.01);
            blocks("transformer.", cfg.textLayers(), tw, cfg.mlpRatio());
            ones("ln_final.weight");
            normal("text_projection", Math.pow(tw, -0.5));
            if (kind == LossKind.CLIP) {
                arena.values()[arena.view("logit_scale").offset()] = CLIP_INIT_LOGIT_SCALE;
            } else {
                arena.values()[arena.view("logit_scale").offset()] = SIGLIP_INIT_LOGIT_SCALE;
                arena.values()[arena.view("logit_bias").offset()] = SIGLIP_INIT_LOGIT_BIAS;
            }
        }

        private void blocks(String prefix, int layers, int width, int mlpRatio) {
            double attnStd = Math.pow(width, -0.5);
            double projStd = Math.pow(width, -0.5) * Math.pow(2 * layers, -0.5);
            double fcStd = Math.pow(2 * width, -0.5);
            for (int i = 0; i < layers; i++) {
                String p = prefix + "resblocks." + i + ".";
                ones(p + "ln_1.weight");
                ones(p + "ln_2.weight");
                normal(p + "attn.in_proj_weight", attnStd);
                normal(p + "attn.out_proj.weight", projStd);
                normal(p + "mlp.c_fc.weight", fcStd);
                uniform(p + "mlp.c_fc.bias", 1.0 / Math.sqrt(width));
                normal(p + "mlp.c_proj.weight", projStd);
                uniform(p + "mlp.c_proj.bias", 1.0 / Math.sqrt(mlpRatio * width));
            }
        }

        private void normal(String name, double std) {
            ParameterView v = arena.view(name);
            for (int i = v.offset(); i < v.end(); i++) {
                arena.values()[i] = (float) (rng.nextGaussian() * std);
            }
        }

        private void uniform(String name, double bound) {
            ParameterView v = arena.view(name);
            for (int i = v.offset(); i < v.end(); i++) {
                arena.values()[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
            }
        }

        private void ones(String name) {
            ParameterView v = arena.view(name);
            for (int i = v.offset(); i < v.end(); i++) {
                arena.values()[i] = 1f;
            }
        }
    }
}
