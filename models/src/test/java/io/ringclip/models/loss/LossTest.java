package io.ringclip.models.loss;

import io.ringclip.models.testing.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Loss gradients against finite differences, and the block decompositions the distributed losses use. */
class LossTest {

    private static float[] normalized(SplittableRandom rng, int n, int e) {
        float[] x = GradCheck.random(rng, n * e, 1);
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int j = 0; j < e; j++) {
                s += x[r * e + j] * x[r * e + j];
            }
            for (int j = 0; j < e; j++) {
                x[r * e + j] /= (float) Math.sqrt(s);
            }
        }
        return x;
    }

    @Test
    void clipLossGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(1);
        int b = 5, e = 6;
        float[] img = normalized(rng, b, e), txt = normalized(rng, b, e);
        float[] scale = {(float) Math.log(1 / 0.07)};
        LossResult r = ClipLoss.compute(img, txt, b, e, scale[0]);
        java.util.function.DoubleSupplier loss = () -> ClipLoss.compute(img, txt, b, e, scale[0]).loss();
        GradCheck.check("clip dImage", img, 0, img.length, r.dImage(), 0, loss, 1e-3, 1e-2, 1e-3, 3, 10, 1);
        GradCheck.check("clip dText", txt, 0, txt.length, r.dText(), 0, loss, 1e-3, 1e-2, 1e-3, 3, 10, 2);
        GradCheck.check("clip dLogitScale", scale, 0, 1, new float[] {(float) r.dLogitScale()}, 0, loss,
                1e-3, 1e-2, 1e-3, 1, 1, 3);
    }

    @Test
    void clipLogitScaleIsClampedAtOneHundredWithZeroGradient() {
        SplittableRandom rng = new SplittableRandom(2);
        int b = 3, e = 4;
        float[] img = normalized(rng, b, e), txt = normalized(rng, b, e);
        LossResult clamped = ClipLoss.compute(img, txt, b, e, 5f);
        LossResult at100 = ClipLoss.compute(img, txt, b, e, (float) Math.log(100));
        assertEquals(at100.loss(), clamped.loss(), 1e-4);
        assertEquals(0.0, clamped.dLogitScale());
        assertEquals(100f, ClipLoss.scale(6f));
    }

    @Test
    void sigLipLossGradientsMatchFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(3);
        int b = 4, e = 5;
        float[] img = normalized(rng, b, e), txt = normalized(rng, b, e);
        float[] sb = {(float) Math.log(10), -3f};
        LossResult r = SigLipLoss.compute(img, txt, b, e, sb[0], sb[1]);
        java.util.function.DoubleSupplier loss = () -> SigLipLoss.compute(img, txt, b, e, sb[0], sb[1]).loss();
        GradCheck.check("siglip dImage", img, 0, img.length, r.dImage(), 0, loss, 1e-3, 1e-2, 1e-3, 3, 10, 1);
        GradCheck.check("siglip dText", txt, 0, txt.length, r.dText(), 0, loss, 1e-3, 1e-2, 1e-3, 3, 10, 2);
        GradCheck.check("siglip dScale,dBias", sb, 0, 2, new float[] {(float) r.dLogitScale(), (float) r.dLogitBias()},
                0, loss, 1e-3, 1e-2, 1e-3, 2, 2, 3);
    }

    @Test
    void sigLipMatchesTheFormulaAtInitialisation() {
        // one pair, identical features: z = 10·1 − 10 = 0 on the diagonal → −log σ(0) = ln 2
        float[] f = {1f, 0f};
        LossResult r = SigLipLoss.compute(f, f, 1, 2, (float) Math.log(10), -10f);
        assertEquals(Math.log(2), r.loss(), 1e-6);
    }

    /** N workers × B rows through the block API equals one worker with N·B rows (open_clip's exact scheme). */
    @Test
    void clipRowBlocksOverWorkersEqualTheSingleWorkerLoss() {
        SplittableRandom rng = new SplittableRandom(4);
        int workers = 3, b = 3, e = 5, n = workers * b;
        float[] img = normalized(rng, n, e), txt = normalized(rng, n, e);
        float logScale = 2.3f;
        LossResult whole = ClipLoss.compute(img, txt, n, e, logScale);
        double loss = 0, dScale = 0;
        float[] dImg = new float[n * e], dTxt = new float[n * e];
        for (int k = 0; k < workers; k++) {
            float[] myImg = java.util.Arrays.copyOfRange(img, k * b * e, (k + 1) * b * e);
            float[] myTxt = java.util.Arrays.copyOfRange(txt, k * b * e, (k + 1) * b * e);
            float[] dMyImg = new float[b * e], dMyTxt = new float[b * e], dAllTxt = new float[n * e], dAllImg = new float[n * e];
            float w = 1f / (2f * n);
            BlockResult r = ClipLoss.rowBlock(myImg, b, txt, n, e, k * b, logScale, w, dMyImg, dAllTxt)
                    .plus(ClipLoss.rowBlock(myTxt, b, img, n, e, k * b, logScale, w, dMyTxt, dAllImg));
            loss += r.loss();
            dScale += r.dLogitScale();
            for (int i = 0; i < b * e; i++) {
                dImg[k * b * e + i] += dMyImg[i];
                dTxt[k * b * e + i] += dMyTxt[i];
            }
            for (int i = 0; i < n * e; i++) { // the reduce-scatter of column gradients
                dImg[i] += dAllImg[i];
                dTxt[i] += dAllTxt[i];
            }
        }
        assertEquals(whole.loss(), loss, 1e-5);
        assertEquals(whole.dLogitScale(), dScale, 1e-5);
        assertArrayEquals(whole.dImage(), dImg, 1e-6f);
        assertArrayEquals(whole.dText(), dTxt, 1e-6f);
    }

    /** Ring schedule: own block with positives, neighbours' text blocks as negatives; sums to the whole loss. */
    @Test
    void sigLipRingBlocksEqualTheSingleWorkerLoss() {
        SplittableRandom rng = new SplittableRandom(5);
        int workers = 4, b = 2, e = 3, n = workers * b;
        float[] img = normalized(rng, n, e), txt = normalized(rng, n, e);
        float s = 2.1f, bias = -4f;
        LossResult whole = SigLipLoss.compute(img, txt, n, e, s, bias);
        double loss = 0, dS = 0, dB = 0;
        float[] dImg = new float[n * e], dTxt = new float[n * e];
        for (int k = 0; k < workers; k++) {
            float[] myImg = java.util.Arrays.copyOfRange(img, k * b * e, (k + 1) * b * e);
            float[] dMyImg = new float[b * e];
            for (int step = 0; step < workers; step++) {
                int src = (k + step) % workers;
                float[] block = java.util.Arrays.copyOfRange(txt, src * b * e, (src + 1) * b * e);
                float[] dBlock = new float[b * e];
                BlockResult r = SigLipLoss.block(myImg, b, block, b, e, step == 0, s, bias, 1f / n, dMyImg, dBlock);
                loss += r.loss();
                dS += r.dLogitScale();
                dB += r.dLogitBias();
                for (int i = 0; i < b * e; i++) {
                    dTxt[src * b * e + i] += dBlock[i];
                }
            }
            System.arraycopy(dMyImg, 0, dImg, k * b * e, b * e);
        }
        assertEquals(whole.loss(), loss, 1e-5);
        assertEquals(whole.dLogitScale(), dS, 1e-5);
        assertEquals(whole.dLogitBias(), dB, 1e-5);
        assertArrayEquals(whole.dImage(), dImg, 1e-6f);
        assertArrayEquals(whole.dText(), dTxt, 1e-6f);
    }
}
