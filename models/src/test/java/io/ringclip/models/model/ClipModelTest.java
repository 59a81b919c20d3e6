package io.ringclip.models.model;

import io.ringclip.models.loss.ClipLoss;
import io.ringclip.models.loss.LossResult;
import io.ringclip.models.loss.SigLipLoss;
import io.ringclip.models.tensor.ParameterArena;
import io.ringclip.models.tensor.ParameterView;
import io.ringclip.models.tensor.Precision;
import io.ringclip.models.testing.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClipModelTest {

    /** Small enough for finite differences over the whole model: 9 patches + class token, 5 text tokens. */
    static final ModelConfig SMALL = new ModelConfig(6, 2, 2, 8, 2, 2, 2, 11, 5, 8, 2, 2, 4);

    static float[] images(SplittableRandom rng, ModelConfig c, int b) {
        return GradCheck.random(rng, b * c.imageElements(), 1);
    }

    /** sot, random ids, eot (= vocab−1, the highest id) at varying positions, zero padding. */
    static int[] tokens(SplittableRandom rng, ModelConfig c, int b) {
        int t = c.contextLength();
        int[] tok = new int[b * t];
        for (int i = 0; i < b; i++) {
            int len = 2 + i % (t - 1);
            tok[i * t] = c.vocabSize() - 2;
            for (int j = 1; j < len - 1; j++) {
                tok[i * t + j] = 1 + rng.nextInt(c.vocabSize() - 3);
            }
            tok[i * t + len - 1] = c.vocabSize() - 1;
        }
        return tok;
    }

    static double lossOf(ClipModel m, ForwardPass f, int b) {
        int e = m.config().embedDim();
        return m.lossKind() == LossKind.CLIP
                ? ClipLoss.compute(f.imageFeatures(), f.textFeatures(), b, e, m.logitScale()).loss()
                : SigLipLoss.compute(f.imageFeatures(), f.textFeatures(), b, e, m.logitScale(), m.logitBias()).loss();
    }

    static LossResult lossResult(ClipModel m, ForwardPass f, int b) {
        int e = m.config().embedDim();
        return m.lossKind() == LossKind.CLIP
                ? ClipLoss.compute(f.imageFeatures(), f.textFeatures(), b, e, m.logitScale())
                : SigLipLoss.compute(f.imageFeatures(), f.textFeatures(), b, e, m.logitScale(), m.logitBias());
    }

    @Test
    void tinyArenaUsesOpenClipNamesInBackwardOrderAndPeerParameterCount() {
        ClipModel m = ClipModel.create(ModelConfig.named("tiny"), LossKind.CLIP, 1);
        ParameterArena a = m.arena();
        assertArrayEquals(new int[] {128, 1, 4, 4}, a.view("visual.conv1.weight").shape());
        assertArrayEquals(new int[] {50, 128}, a.view("visual.positional_embedding").shape());
        assertArrayEquals(new int[] {384, 128}, a.view("visual.transformer.resblocks.3.attn.in_proj_weight").shape());
        assertArrayEquals(new int[] {128, 512}, a.view("transformer.resblocks.0.mlp.c_proj.weight").shape());
        assertArrayEquals(new int[] {1000, 128}, a.view("token_embedding.weight").shape());
        assertArrayEquals(new int[] {128, 128}, a.view("text_projection").shape());
        assertArrayEquals(new int[] {}, a.view("logit_scale").shape());
        assertFalse(a.has("logit_bias"));
        assertEquals(ClipModel.CLIP_INIT_LOGIT_SCALE, m.logitScale(), 1e-6);
        // the PyTorch peer (bench/clip_step_torch.py) has 1,758,209: it has a patch bias (+128) and no ln_pre (−256)
        assertEquals(1_758_209 - 128 + 256, a.size());
        int next = 0;
        for (ParameterView v : a.views()) {
            assertEquals(next, v.offset(), "contiguous: " + v.name());
            next = v.end();
        }
        assertTrue(a.view("visual.proj").offset() < a.view("token_embedding.weight").offset());
        assertEquals(a.size() - 1, a.view("logit_scale").offset(), "loss scalars last: their gradient is final first");
        ClipModel s = ClipModel.create(ModelConfig.named("tiny"), LossKind.SIGLIP, 1);
        assertEquals(ClipModel.SIGLIP_INIT_LOGIT_BIAS, s.logitBias());
        assertEquals((float) Math.log(10), s.logitScale(), 1e-6);
    }

    @ParameterizedTest
    @EnumSource(LossKind.class)
    void wholeModelGradientMatchesFiniteDifferences(LossKind kind) {
        SplittableRandom rng = new SplittableRandom(11);
        ClipModel m = ClipModel.create(SMALL, kind, 3);
        int b = 3;
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        ForwardOptions opts = ForwardOptions.defaults().withThreads(2).withAttention(AttentionKind.PLAIN);
        ForwardPass f = m.forward(img, tok, b, opts);
        LossResult r = lossResult(m, f, b);
        m.arena().zeroGrads();
        f.backward(r.dImage(), r.dText(), (float) r.dLogitScale(), (float) r.dLogitBias(), GradientReadyListener.NONE);
        float[] grads = m.arena().grads().clone();
        java.util.function.DoubleSupplier loss = () -> lossOf(m, m.forward(img, tok, b, opts), b);
        float[] values = m.arena().values();
        GradCheck.check("whole model", values, 0, values.length, grads, 0, loss, 3e-3, 2e-2, 1e-3, 4, 0, 1);
        for (ParameterView v : m.arena().views()) {
            // per tensor: the step is 5 % of the tensor's rms (token embeddings are ~0.02 and feed a layer norm),
            // within [1e-3, 1e-2]; fp32 loss noise (~1e-6) over such steps limits the absolute accuracy to ~5e-4, too coarse
            // for single coordinates, so each tensor is checked along two random unit directions
            // (hence the 1e-2 floor; GoldenParityTest checks every gradient tightly against float64 PyTorch)
            double rms = Math.sqrt(sumSquares(values, v.offset(), v.length()) / v.length());
            double eps = Math.max(1e-3, Math.min(1e-2, 0.05 * rms));
            GradCheck.check(v.name(), values, v.offset(), v.length(), grads, v.offset(), loss, eps, 5e-2, 1e-2,
                    2, 0, v.offset());
        }
    }

    private static double sumSquares(float[] x, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += (double) x[i] * x[i];
        }
        return s;
    }

    @Test
    void gradientReadyRangesCoverTheArenaOnceInDescendingOrder() {
        SplittableRandom rng = new SplittableRandom(2);
        for (boolean lock : new boolean[] {false, true}) {
            ClipModel m = ClipModel.create(SMALL, LossKind.SIGLIP, 3);
            int b = 2;
            ForwardPass f = m.forward(images(rng, SMALL, b), tokens(rng, SMALL, b), b,
                    ForwardOptions.defaults().withLockImage(lock));
            List<int[]> ranges = new ArrayList<>();
            LossResult r = lossResult(m, f, b);
            f.backward(r.dImage(), r.dText(), 0.5f, 0.25f, (off, len) -> ranges.add(new int[] {off, len}));
            int end = m.arena().size();
            for (int[] range : ranges) {
                assertEquals(end, range[0] + range[1], "contiguous and descending");
                end = range[0];
            }
            assertEquals(0, end, "reaches offset 0");
            assertEquals(0.5f, m.arena().grads()[m.arena().view("logit_scale").offset()]);
            assertEquals(0.25f, m.arena().grads()[m.arena().view("logit_bias").offset()]);
            assertTrue(ranges.size() >= 2 + SMALL.textLayers() + 1, "per-block granularity");
        }
    }

    @Test
    void lockedImageTowerGetsNoGradientsAndTextGradientsAreUnchanged() {
        SplittableRandom rng = new SplittableRandom(3);
        int b = 3;
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        float[][] textGrads = new float[2][];
        for (int lock = 0; lock < 2; lock++) {
            ClipModel m = ClipModel.create(SMALL, LossKind.CLIP, 5);
            ForwardPass f = m.forward(img, tok, b, ForwardOptions.defaults().withLockImage(lock == 1));
            LossResult r = lossResult(m, f, b);
            f.backward(lock == 1 ? null : r.dImage(), r.dText(), GradientReadyListener.NONE);
            float[] g = m.arena().grads();
            textGrads[lock] = Arrays.copyOfRange(g, m.visionEnd(), g.length);
            if (lock == 1) {
                for (int i = m.visionStart(); i < m.visionEnd(); i++) {
                    assertEquals(0f, g[i], "image tower frozen");
                }
            }
        }
        assertArrayEquals(textGrads[0], textGrads[1], 1e-6f);
    }

    @Test
    void encodeMatchesTrainingForwardAcrossChunks() {
        SplittableRandom rng = new SplittableRandom(4);
        ClipModel m = ClipModel.create(SMALL, LossKind.CLIP, 6);
        int b = 70; // more than one encode chunk of 64
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        float[] ei = m.encodeImages(img, b);
        float[] et = m.encodeTexts(tok, b);
        ForwardPass f = m.forward(img, tok, b, ForwardOptions.defaults().withAttention(AttentionKind.PLAIN));
        assertArrayEquals(f.imageFeatures(), ei, 2e-6f);
        assertArrayEquals(f.textFeatures(), et, 2e-6f);
    }

    @Test
    void patchDropoutGradientMatchesFiniteDifferencesWithAFixedSubset() {
        SplittableRandom rng = new SplittableRandom(5);
        ClipModel m = ClipModel.create(SMALL, LossKind.CLIP, 7);
        int b = 2;
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        java.util.function.Supplier<ForwardOptions> opts = () ->
                ForwardOptions.defaults().withPatchDropout(0.5).withRng(new SplittableRandom(42));
        ForwardPass f = m.forward(img, tok, b, opts.get());
        LossResult r = lossResult(m, f, b);
        f.backward(r.dImage(), r.dText(), GradientReadyListener.NONE);
        float[] g = m.arena().grads().clone();
        ParameterView pos = m.arena().view("visual.positional_embedding");
        GradCheck.check("pos with patch dropout", m.arena().values(), pos.offset(), pos.length(), g, pos.offset(),
                () -> lossOf(m, m.forward(img, tok, b, opts.get()), b), 3e-3, 2e-2, 1e-3, 3, 6, 1);
        int zeroRows = 0;
        for (int p = 1; p < SMALL.visionTokens(); p++) {
            boolean allZero = true;
            for (int j = 0; j < SMALL.visionWidth(); j++) {
                allZero &= g[pos.offset() + p * SMALL.visionWidth() + j] == 0f;
            }
            zeroRows += allZero ? 1 : 0;
        }
        assertTrue(zeroRows > 0, "dropped patches get no positional gradient");
    }

    @Test
    void fp16ActivationGradientOverflowReachesTheGradients() {
        SplittableRandom rng = new SplittableRandom(6);
        int b = 2;
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        for (Precision p : new Precision[] {Precision.FP32, Precision.FP16}) {
            ClipModel m = ClipModel.create(SMALL, LossKind.CLIP, 8);
            ForwardPass f = m.forward(img, tok, b, ForwardOptions.defaults().withPrecision(p));
            float[] huge = new float[b * SMALL.embedDim()];
            Arrays.fill(huge, 1e6f); // a loss scale far too large for fp16
            f.backward(huge, huge, GradientReadyListener.NONE);
            boolean finite = true;
            for (float x : m.arena().grads()) {
                finite &= Float.isFinite(x);
            }
            assertEquals(p == Precision.FP32, finite, "precision=" + p);
        }
    }

    @Test
    void sixteenBitActivationsUseAtMostSixtyPercentOfFp32() {
        SplittableRandom rng = new SplittableRandom(7);
        int b = 4;
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        long[] bytes = new long[3];
        for (Precision p : Precision.values()) {
            ClipModel m = ClipModel.create(SMALL, LossKind.CLIP, 9);
            bytes[p.ordinal()] = m.forward(img, tok, b, ForwardOptions.defaults().withPrecision(p)).activationBytes();
        }
        assertTrue(bytes[1] <= 0.6 * bytes[0], "fp16=" + bytes[1] + " fp32=" + bytes[0]);
        assertEquals(bytes[1], bytes[2]);
    }

    /**
     * Activations plus the step's scratch (workspace and 16-bit weight window) of the tiny config: the
     * 16-bit step needs no tensor-sized unpack buffer, so it stays under 0.6× of fp32 (0.57× here;
     * `ringclip bench step --memory-only` at batch 256 adds the fixed parameter/Adam state on top).
     */
    @Test
    void sixteenBitStepMemoryIsAtMostSixtyPercentOfFp32() {
        ModelConfig tiny = ModelConfig.named("tiny");
        SplittableRandom rng = new SplittableRandom(8);
        int b = 32;
        float[] img = images(rng, tiny, b);
        int[] tok = tokens(rng, tiny, b);
        long[] bytes = new long[3];
        for (Precision p : Precision.values()) {
            ClipModel m = ClipModel.create(tiny, LossKind.CLIP, 9);
            long act = m.forward(img, tok, b, ForwardOptions.defaults().withPrecision(p)).activationBytes();
            bytes[p.ordinal()] = act + m.workspaceBytes();
        }
        assertTrue(bytes[1] <= 0.6 * bytes[0], "fp16=" + bytes[1] + " fp32=" + bytes[0]);
        assertEquals(bytes[1], bytes[2]);
    }

    @Test
    void sixteenBitWeightsFollowMasterUpdatesBetweenSteps() {
        SplittableRandom rng = new SplittableRandom(9);
        int b = 3;
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        ClipModel m = ClipModel.create(SMALL, LossKind.CLIP, 12);
        m.forward(img, tok, b, ForwardOptions.defaults().withPrecision(Precision.BF16));
        float[] values = m.arena().values();
        for (String name : new String[] {"visual.proj", "transformer.resblocks.1.mlp.c_fc.weight"}) {
            ParameterView v = m.arena().view(name);
            for (int i = v.offset(); i < v.end(); i++) {
                values[i] = (float) rng.nextGaussian(); // an "optimizer step"
            }
        }
        ForwardPass low = m.forward(img, tok, b, ForwardOptions.defaults().withPrecision(Precision.BF16));
        float[] lowImage = low.imageFeatures().clone();
        float[] lowText = low.textFeatures().clone();
        ForwardPass full = m.forward(img, tok, b, ForwardOptions.defaults());
        GoldenParityTest.assertClose("image features after update", full.imageFeatures(), lowImage, 3e-2);
        GoldenParityTest.assertClose("text features after update", full.textFeatures(), lowText, 3e-2);
    }

    @Test
    void staleForwardPassAndBadInputsFailClearly() {
        SplittableRandom rng = new SplittableRandom(8);
        ClipModel m = ClipModel.create(SMALL, LossKind.CLIP, 10);
        int b = 2;
        float[] img = images(rng, SMALL, b);
        int[] tok = tokens(rng, SMALL, b);
        ForwardPass first = m.forward(img, tok, b, ForwardOptions.defaults());
        m.forward(img, tok, b, ForwardOptions.defaults());
        assertThrows(IllegalStateException.class, first::imageFeatures);
        assertThrows(IllegalArgumentException.class, () -> m.forward(new float[3], tok, b, ForwardOptions.defaults()));
        int[] badTok = tok.clone();
        badTok[0] = SMALL.vocabSize();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.forward(img, badTok, b, ForwardOptions.defaults()));
        assertTrue(e.getMessage().contains("vocabSize=11"), e.getMessage());
    }

    @Test
    void configJsonRoundTripsAndValidates() {
        for (String name : new String[] {"tiny", "vit-b-16"}) {
            ModelConfig c = ModelConfig.named(name);
            assertEquals(c, ModelConfig.fromJson(c.toJson()));
        }
        ModelConfig b16 = ModelConfig.named("vit-b-16");
        assertEquals(197, b16.visionTokens());
        assertEquals(49408, b16.vocabSize());
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.named("huge"));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(30, 1, 4, 128, 1, 4, 4, 10, 4, 8, 1, 2, 4));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromJson("{\"imageSize\": 28}"));
        String extra = ModelConfig.named("tiny").toJson().replace("}", ", \"x\": 1}");
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.fromJson(extra));
    }
}
