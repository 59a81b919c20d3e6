package io.ringclip.trainer.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringclip.trainer.testing.LocalComms;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * N ranks × batch B must reproduce one rank with batch N·B: the loss, every feature gradient and
 * the logit scale/bias gradients (summed over ranks). Tolerance: 2e-6 absolute on feature
 * gradients (≈ 1e-4 of their largest entry) and 1e-6 relative on the loss — fp32 sums in a
 * different order.
 */
@Timeout(60)
class DistributedLossEquivalenceTest {

    private static final int E = 16;

    @ParameterizedTest(name = "{0} N={1} B={2}")
    @CsvSource({
        "clip, 2, 5", "clip, 3, 4", "clip, 4, 3",
        "siglip, 2, 5", "siglip, 3, 4", "siglip, 4, 3",
    })
    void shouldMatchSingleRankWithGlobalBatch(String kind, int n, int b) {
        int nb = n * b;
        float[] image = normalisedRows(nb, E, 11);
        float[] text = normalisedRows(nb, E, 12);
        float t = (float) Math.log(1 / 0.07);
        float bias = kind.equals("siglip") ? -10f : 0f;
        float tScale = kind.equals("siglip") ? (float) Math.log(10) : t;
        Function<FeatureExchange, ContrastiveLoss> make = ex ->
                kind.equals("clip") ? new DistributedClipLoss(ex) : new DistributedSigLipLoss(ex);

        LossResult single = LocalComms.runRanks(1, ex ->
                make.apply(ex).compute(image, text, nb, E, tScale, bias, 1f)).getFirst();

        List<LossResult> ranks = LocalComms.runRanks(n, ex -> {
            int r = ex.rank();
            float[] img = slice(image, r * b * E, b * E);
            float[] txt = slice(text, r * b * E, b * E);
            return make.apply(ex).compute(img, txt, b, E, tScale, bias, 1f);
        });

        double dScale = 0;
        double dBias = 0;
        for (int r = 0; r < n; r++) {
            LossResult res = ranks.get(r);
            assertEquals(single.loss(), res.loss(), 1e-6 * Math.abs(single.loss()), "loss rank=" + r);
            for (int i = 0; i < b * E; i++) {
                assertEquals(single.dImage()[r * b * E + i], res.dImage()[i], 2e-6, "dImage rank=" + r + " i=" + i);
                assertEquals(single.dText()[r * b * E + i], res.dText()[i], 2e-6, "dText rank=" + r + " i=" + i);
            }
            dScale += res.dLogitScale();
            dBias += res.dLogitBias();
        }
        assertEquals(single.dLogitScale(), dScale, 1e-5, "dLogitScale");
        assertEquals(single.dLogitBias(), dBias, 1e-5, "dLogitBias");
    }

    static float[] normalisedRows(int rows, int e, long seed) {
        Random rnd = new Random(seed);
        float[] x = new float[rows * e];
        for (int i = 0; i < rows; i++) {
            double norm = 0;
            for (int j = 0; j < e; j++) {
                float v = (float) rnd.nextGaussian();
                x[i * e + j] = v;
                norm += v * v;
            }
            for (int j = 0; j < e; j++) {
                x[i * e + j] /= (float) Math.sqrt(norm);
            }
        }
        return x;
    }

    static float[] slice(float[] x, int from, int len) {
        float[] out = new float[len];
        System.arraycopy(x, from, out, 0, len);
        return out;
    }
}
