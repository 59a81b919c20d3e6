package io.ringclip.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AdamWTest {

    private static final List<ParamSpan> SPANS = List.of(
            new ParamSpan("visual.proj", 0, 6, new int[] {2, 3}),
            new ParamSpan("visual.ln_post.weight", 6, 3, new int[] {3}),
            new ParamSpan("text_projection", 9, 4, new int[] {2, 2}),
            new ParamSpan("token_embedding.weight", 13, 4, new int[] {2, 2}),
            new ParamSpan("logit_scale", 17, 1, new int[] {}));

    @Test
    void shouldMatchTextbookAdamWInDouble() {
        float[] params = random(18, 1);
        double[] ref = toDouble(params);
        double[] m = new double[18];
        double[] v = new double[18];
        AdamW opt = new AdamW(ParamGroups.of(SPANS, false), 18, 0.9, 0.98, 1e-6, 0.1);
        for (int t = 1; t <= 5; t++) {
            float[] grads = random(18, 100 + t);
            double lr = 0.01 * t;
            opt.step(params, grads, lr);
            for (int i = 0; i < 18; i++) {
                boolean decay = i < 6 || (i >= 9 && i < 13);
                double g = grads[i];
                if (decay) {
                    ref[i] *= 1 - lr * 0.1;
                }
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.98 * v[i] + 0.02 * g * g;
                double mh = m[i] / (1 - Math.pow(0.9, t));
                double vh = v[i] / (1 - Math.pow(0.98, t));
                ref[i] -= lr * mh / (Math.sqrt(vh) + 1e-6);
            }
        }
        for (int i = 0; i < 18; i++) {
            assertEquals(ref[i], params[i], 1e-5, "param " + i);
        }
        assertEquals(5, opt.state().step());
    }

    @Test
    void shouldLeaveFrozenImageTowerUntouchedWithLockImage() {
        float[] params = random(18, 2);
        float[] before = params.clone();
        ParamGroups groups = ParamGroups.of(SPANS, true);
        assertEquals(2, groups.frozen().size());
        new AdamW(groups, 18, 0.9, 0.98, 1e-6, 0.1).step(params, random(18, 3), 0.1);
        for (int i = 0; i < 9; i++) {
            assertEquals(before[i], params[i], 0.0, "frozen param " + i);
        }
        for (int i = 9; i < 18; i++) {
            assertEquals(true, before[i] != params[i], "trainable param " + i + " must move");
        }
    }

    @Test
    void shouldExcludeGainsBiasesEmbeddingsAndTemperatureFromDecay() {
        ParamGroups g = ParamGroups.of(List.of(
                new ParamSpan("transformer.resblocks.0.attn.in_proj_weight", 0, 4, new int[] {2, 2}),
                new ParamSpan("transformer.resblocks.0.attn.in_proj_bias", 4, 2, new int[] {2}),
                new ParamSpan("positional_embedding", 6, 4, new int[] {2, 2}),
                new ParamSpan("visual.class_embedding", 10, 2, new int[] {2}),
                new ParamSpan("ln_final.weight", 12, 2, new int[] {2}),
                new ParamSpan("logit_bias", 14, 1, new int[] {})), false);
        assertEquals(List.of("transformer.resblocks.0.attn.in_proj_weight"),
                g.decayed().stream().map(ParamSpan::name).toList());
        assertEquals(5, g.undecayed().size());
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
