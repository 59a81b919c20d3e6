package io.ringclip.models.model;

import io.ringclip.models.loss.ClipLoss;
import io.ringclip.models.loss.LossResult;
import io.ringclip.models.loss.SigLipLoss;
import io.ringclip.models.tensor.ParameterArena;
import io.ringclip.models.tensor.ParameterView;
import io.ringclip.models.tensor.Precision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java model against the PyTorch reference (float64 autograd on fp32-rounded weights and inputs)
 * from make_golden_fixtures.py: features, loss, logit-scale gradient and every parameter gradient.
 *
 * <p>Tolerance per tensor: |java − torch| ≤ tol · max(‖torch‖∞, 1e-3) elementwise, with
 * tol = 2e-5 (features, loss) and 2e-4 (gradients) in fp32; in fp16 / bf16 the towers' matmuls and saved
 * activations are 16-bit, so features get 5e-3 / 3e-2 and gradients 3e-2 / 1.5e-1 of the tensor's max
 * (bf16 loss-scalar gradients 0.35: they are sums of cancelling terms).
 */
class GoldenParityTest {

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "clip_golden, FP32, PLAIN", "clip_golden, FP32, FLASH", "siglip_golden, FP32, FLASH",
            "siglip_golden, FP32, PLAIN", "clip_golden, FP16, FLASH", "siglip_golden, BF16, FLASH"})
    void shouldMatchPyTorchFeaturesLossAndEveryGradient(String name, Precision precision, AttentionKind attention)
            throws IOException {
        GoldenFixture f = GoldenFixture.load(name);
        LossKind kind = name.startsWith("clip") ? LossKind.CLIP : LossKind.SIGLIP;
        ClipModel model = ClipModel.create(f.config, kind, 99);
        ParameterArena arena = model.arena();
        int loaded = 0;
        for (ParameterView v : arena.views()) {
            float[] src = f.get("param/" + v.name());
            assertArrayEquals(v.shape(), f.shapes.get("param/" + v.name()), v.name());
            System.arraycopy(src, 0, arena.values(), v.offset(), v.length());
            loaded++;
        }
        assertEquals(f.tensors.keySet().stream().filter(k -> k.startsWith("param/")).count(), loaded,
                "every fixture parameter has an arena view of the same name");

        float[] images = f.get("input/images");
        float[] tokF = f.get("input/tokens");
        int[] tokens = new int[tokF.length];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (int) tokF[i];
        }
        int batch = f.shapes.get("input/images")[0];
        int e = f.config.embedDim();
        ForwardOptions opts = ForwardOptions.defaults().withPrecision(precision).withAttention(attention).withThreads(2);
        ForwardPass fwd = model.forward(images, tokens, batch, opts);

        boolean fp32 = precision == Precision.FP32;
        double featTol = fp32 ? 2e-5 : precision == Precision.FP16 ? 5e-3 : 3e-2;
        double gradTol = fp32 ? 2e-4 : precision == Precision.FP16 ? 3e-2 : 1.5e-1;
        assertClose("image_features", f.get("out/image_features"), fwd.imageFeatures(), featTol);
        assertClose("text_features", f.get("out/text_features"), fwd.textFeatures(), featTol);

        LossResult loss = kind == LossKind.CLIP
                ? ClipLoss.compute(fwd.imageFeatures(), fwd.textFeatures(), batch, e, model.logitScale())
                : SigLipLoss.compute(fwd.imageFeatures(), fwd.textFeatures(), batch, e, model.logitScale(), model.logitBias());
        assertClose("loss", f.get("out/loss"), new float[] {(float) loss.loss()}, featTol * 10);
        if (fp32) {
            assertClose("d_image_features", f.get("out/d_image_features"), loss.dImage(), featTol);
            assertClose("d_text_features", f.get("out/d_text_features"), loss.dText(), featTol);
        }

        arena.zeroGrads();
        fwd.backward(loss.dImage(), loss.dText(), (float) loss.dLogitScale(), (float) loss.dLogitBias(),
                GradientReadyListener.NONE);
        for (ParameterView v : arena.views()) {
            float[] got = Arrays.copyOfRange(arena.grads(), v.offset(), v.end());
            // logit_scale's gradient Σ g_ij·(i·t_j) cancels strongly; bf16 features (8-bit significand) move it by ~25 %
            double tol = v.rank() == 0 && precision == Precision.BF16 ? 0.35 : gradTol;
            assertClose("grad/" + v.name(), f.get("grad/" + v.name()), got, tol);
        }
    }

    static void assertClose(String what, float[] expected, float[] actual, double tol) {
        assertTrue(actual.length >= expected.length, what + ": length " + actual.length + " < " + expected.length);
        double maxAbs = 0;
        for (float x : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        double bound = tol * Math.max(1e-3, maxAbs);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) expected[i] - actual[i]);
            if (!(d <= worst) || Double.isNaN(d)) {
                worst = d;
                worstAt = i;
            }
        }
        if (!(worst <= bound)) {
            throw new AssertionError(what + ": max |diff|=" + worst + " at index=" + worstAt + " expected="
                    + expected[worstAt] + " actual=" + actual[worstAt] + " bound=" + bound + " (tol=" + tol
                    + ", max|expected|=" + maxAbs + ")");
        }
    }
}
