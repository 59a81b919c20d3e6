package io.ringclip.models.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static io.ringclip.models.testing.GradCheck.check;
import static io.ringclip.models.testing.GradCheck.dot;
import static io.ringclip.models.testing.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every op's backward against central finite differences of L = Σ w ∘ forward(…) (w random, fixed).
 * fp32 forward, double loss sums; tolerance 1e-2 relative (floor 1e-3) unless stated.
 */
class OpsGradientTest {

    private static final double EPS = 1e-2;
    private static final double TOL = 1e-2;
    private static final double FLOOR = 1e-3;
    private final SplittableRandom rng = new SplittableRandom(7);

    @Test
    void linearGradientsMatchFiniteDifferences() {
        int n = 5, cin = 7, cout = 3;
        float[] x = random(rng, n * cin, 1), w = random(rng, cout * cin, 0.5), b = random(rng, cout, 0.5);
        float[] wy = random(rng, n * cout, 1), y = new float[n * cout];
        java.util.function.DoubleSupplier loss = () -> {
            Linear.forward(y, x, w, 0, b, 0, n, cin, cout);
            return dot(wy, y, n * cout);
        };
        float[] dx = new float[n * cin], dw = new float[cout * cin], db = new float[cout];
        Linear.backward(dx, true, dw, 0, db, 0, wy, x, w, 0, n, cin, cout);
        check("linear dx", x, 0, x.length, dx, 0, loss, EPS, TOL, FLOOR, 3, 10, 1);
        check("linear dW", w, 0, w.length, dw, 0, loss, EPS, TOL, FLOOR, 3, 10, 2);
        check("linear db", b, 0, b.length, db, 0, loss, EPS, TOL, FLOOR, 3, 3, 3);
    }

    @Test
    void projectionGradientsMatchFiniteDifferences() {
        int n = 4, cin = 6, cout = 5;
        float[] x = random(rng, n * cin, 1), p = random(rng, cin * cout, 0.5);
        float[] wy = random(rng, n * cout, 1), y = new float[n * cout];
        java.util.function.DoubleSupplier loss = () -> {
            Projection.forward(y, x, p, 0, n, cin, cout);
            return dot(wy, y, n * cout);
        };
        float[] dx = new float[n * cin], dp = new float[cin * cout];
        Projection.backward(dx, true, dp, 0, wy, x, p, 0, n, cin, cout);
        check("projection dx", x, 0, x.length, dx, 0, loss, EPS, TOL, FLOOR, 3, 10, 1);
        check("projection dP", p, 0, p.length, dp, 0, loss, EPS, TOL, FLOOR, 3, 10, 2);
    }

    @Test
    void layerNormGradientsMatchFiniteDifferences() {
        int n = 6, c = 9;
        float[] x = random(rng, n * c, 2), g = random(rng, c, 1), b = random(rng, c, 1);
        float[] wy = random(rng, n * c, 1), y = new float[n * c], mean = new float[n], rstd = new float[n];
        java.util.function.DoubleSupplier loss = () -> {
            LayerNorm.forward(y, mean, rstd, x, g, 0, b, 0, n, c, 2);
            return dot(wy, y, n * c);
        };
        loss.getAsDouble();
        float[] dx = new float[n * c], dg = new float[c], db = new float[c];
        LayerNorm.backward(dx, dg, 0, db, 0, wy, x, mean, rstd, g, 0, n, c, 2);
        check("layernorm dx", x, 0, x.length, dx, 0, loss, EPS, TOL, FLOOR, 3, 12, 1);
        check("layernorm dgamma", g, 0, c, dg, 0, loss, EPS, TOL, FLOOR, 3, 5, 2);
        check("layernorm dbeta", b, 0, c, db, 0, loss, EPS, TOL, FLOOR, 3, 5, 3);
        float[] y2 = new float[n * c];
        LayerNorm.recompute(y2, x, mean, rstd, g, 0, b, 0, n, c, 1);
        loss.getAsDouble();
        org.junit.jupiter.api.Assertions.assertArrayEquals(y, y2, 1e-6f, "recompute equals forward");
    }

    @Test
    void geluGradientMatchesFiniteDifferencesAndKnownValues() {
        int n = 50;
        float[] x = random(rng, n, 2), wy = random(rng, n, 1), y = new float[n];
        java.util.function.DoubleSupplier loss = () -> {
            Gelu.forward(y, x, n, 1);
            return dot(wy, y, n);
        };
        float[] dx = new float[n];
        Gelu.backward(dx, true, wy, x, n, 1);
        check("gelu dx", x, 0, n, dx, 0, loss, 1e-3, TOL, FLOOR, 3, 20, 1);
        // erf reference values (Abramowitz & Stegun tables)
        assertEquals(0.5204998778, Gelu.erf(0.5f), 2e-7);
        assertEquals(0.9953222650, Gelu.erf(2f), 2e-7);
        assertEquals(-0.8427007929, Gelu.erf(-1f), 2e-7);
    }

    @Test
    void softmaxGradientMatchesFiniteDifferences() {
        int rows = 3, cols = 7;
        float[] x = random(rng, rows * cols, 2), wy = random(rng, rows * cols, 1), y = new float[rows * cols];
        java.util.function.DoubleSupplier loss = () -> {
            Softmax.forward(y, x, rows, cols);
            return dot(wy, y, rows * cols);
        };
        loss.getAsDouble();
        float[] dx = new float[rows * cols];
        Softmax.backward(dx, wy, y, rows, cols);
        check("softmax dx", x, 0, x.length, dx, 0, loss, 1e-3, TOL, FLOOR, 3, 10, 1);
    }

    @ParameterizedTest(name = "T={0} causal={1} flash={2}")
    @CsvSource({"5, false, false", "5, true, false", "37, false, true", "37, true, true", "1, true, true"})
    void attentionGradientMatchesFiniteDifferences(int t, boolean causal, boolean flash) {
        int b = 2, h = 2, d = 4, c = h * d;
        float[] qkv = random(rng, b * t * 3 * c, 1), wy = random(rng, b * t * c, 1), out = new float[b * t * c];
        float[] state = new float[flash ? b * h * t : b * h * t * t];
        java.util.function.DoubleSupplier loss = () -> {
            if (flash) {
                FlashAttention.forward(out, state, qkv, b, t, h, d, causal, 2);
            } else {
                Attention.forward(out, state, qkv, b, t, h, d, causal, 2);
            }
            return dot(wy, out, out.length);
        };
        loss.getAsDouble();
        float[] dqkv = new float[qkv.length];
        if (flash) {
            FlashAttention.backward(dqkv, wy, out, state, qkv, b, t, h, d, causal, 2);
        } else {
            Attention.backward(dqkv, wy, qkv, state, b, t, h, d, causal, 2);
        }
        check("attention dqkv", qkv, 0, qkv.length, dqkv, 0, loss, EPS, TOL, FLOOR, 4, 20, 1);
    }

    @Test
    void embeddingAndPositionalGradientsMatchFiniteDifferences() {
        int v = 6, c = 4, b = 2, t = 3;
        int[] tokens = {0, 5, 5, 2, 3, 0};
        float[] table = random(rng, v * c, 1), pos = random(rng, t * c, 1);
        float[] wy = random(rng, b * t * c, 1), y = new float[b * t * c];
        java.util.function.DoubleSupplier loss = () -> {
            Embedding.forward(y, tokens, table, 0, b * t, v, c);
            PositionalEmbedding.forward(y, pos, 0, b, t, c);
            return dot(wy, y, y.length);
        };
        float[] dt = new float[v * c], dp = new float[t * c];
        Embedding.backward(dt, 0, wy, tokens, b * t, c);
        PositionalEmbedding.backward(dp, 0, wy, b, t, c);
        check("embedding dtable", table, 0, table.length, dt, 0, loss, EPS, TOL, FLOOR, 3, 24, 1);
        check("positional dpos", pos, 0, pos.length, dp, 0, loss, EPS, TOL, FLOOR, 3, 12, 2);
    }

    @Test
    void patchEmbeddingMatchesDirectConvolutionAndItsGradient() {
        int b = 2, cin = 2, hw = 6, p = 3, c = 5, np = 4, k = cin * p * p;
        float[] images = random(rng, b * cin * hw * hw, 1), w = random(rng, c * k, 0.5);
        float[] out = new float[b * np * c], patches = new float[b * np * k];
        PatchEmbedding.forward(out, patches, images, w, 0, b, cin, hw, hw, p, c);
        for (int bi = 0; bi < b; bi++) { // direct conv, stride = kernel = p
            for (int py = 0; py < 2; py++) {
                for (int px = 0; px < 2; px++) {
                    for (int o = 0; o < c; o++) {
                        double s = 0;
                        for (int ci = 0; ci < cin; ci++) {
                            for (int ky = 0; ky < p; ky++) {
                                for (int kx = 0; kx < p; kx++) {
                                    s += w[((o * cin + ci) * p + ky) * p + kx]
                                            * images[((bi * cin + ci) * hw + py * p + ky) * hw + px * p + kx];
                                }
                            }
                        }
                        assertEquals(s, out[((bi * 2 + py) * 2 + px) * c + o], 1e-5);
                    }
                }
            }
        }
        float[] wy = random(rng, out.length, 1);
        java.util.function.DoubleSupplier loss = () -> {
            PatchEmbedding.forward(out, patches, images, w, 0, b, cin, hw, hw, p, c);
            return dot(wy, out, out.length);
        };
        float[] dw = new float[w.length];
        PatchEmbedding.backward(dw, 0, wy, patches, w, 0, b, np, k, c);
        check("patch embedding dW", w, 0, w.length, dw, 0, loss, EPS, TOL, FLOOR, 3, 10, 1);
    }

    @Test
    void residualDropoutAndL2NormalizeGradients() {
        int n = 12;
        float[] x = random(rng, n, 1), r = random(rng, n, 1), wy = random(rng, n, 1), y = new float[n];
        float[] dx = new float[n], dr = new float[n];
        Residual.backward(dx, dr, wy, n);
        java.util.function.DoubleSupplier res = () -> {
            Residual.forward(y, x, r, n);
            return dot(wy, y, n);
        };
        check("residual dx", x, 0, n, dx, 0, res, EPS, TOL, FLOOR, 2, 4, 1);
        check("residual dr", r, 0, n, dr, 0, res, EPS, TOL, FLOOR, 2, 4, 2);

        boolean[] keep = new boolean[n];
        Dropout.forward(y, keep, x, 0.25f, new SplittableRandom(3), n);
        float[] ddx = new float[n];
        Dropout.backward(ddx, wy, keep, 0.25f, n);
        java.util.function.DoubleSupplier drop = () -> {
            float[] yy = new float[n];
            for (int i = 0; i < n; i++) {
                yy[i] = keep[i] ? x[i] / 0.75f : 0f;
            }
            return dot(wy, yy, n);
        };
        check("dropout dx", x, 0, n, ddx, 0, drop, EPS, TOL, FLOOR, 2, 6, 3);

        int rows = 3, e = 4;
        float[] z = random(rng, rows * e, 1), f = new float[rows * e], norms = new float[rows], wf = random(rng, rows * e, 1);
        java.util.function.DoubleSupplier l2 = () -> {
            L2Normalize.forward(f, norms, z, rows, e);
            return dot(wf, f, rows * e);
        };
        l2.getAsDouble();
        float[] dz = new float[rows * e];
        L2Normalize.backward(dz, wf, f, norms, rows, e);
        check("l2normalize dx", z, 0, z.length, dz, 0, l2, 1e-3, TOL, FLOOR, 3, 12, 4);
    }

    @Test
    void patchDropoutKeepsClassTokenAndASortedSubsetAndRoutesGradients() {
        int b = 3, p = 9, c = 2;
        int k = PatchDropout.keptPatches(p, 0.5);
        assertEquals(4, k);
        float[] in = random(rng, b * (1 + p) * c, 1), out = new float[b * (1 + k) * c];
        int[] kept = new int[b * k];
        PatchDropout.forward(out, kept, in, new SplittableRandom(5), b, p, k, c);
        for (int bi = 0; bi < b; bi++) {
            assertEquals(in[bi * (1 + p) * c], out[bi * (1 + k) * c], "class token kept");
            for (int i = 0; i < k; i++) {
                if (i > 0) {
                    org.junit.jupiter.api.Assertions.assertTrue(kept[bi * k + i] > kept[bi * k + i - 1], "ascending, distinct");
                }
                assertEquals(in[(bi * (1 + p) + 1 + kept[bi * k + i]) * c + 1], out[(bi * (1 + k) + 1 + i) * c + 1]);
            }
        }
        float[] wy = random(rng, out.length, 1), din = new float[in.length];
        PatchDropout.backward(din, wy, kept, b, p, k, c);
        java.util.function.DoubleSupplier loss = () -> {
            float[] o = new float[out.length];
            int[] kk = new int[kept.length];
            PatchDropout.forward(o, kk, in, new SplittableRandom(5), b, p, k, c);
            return dot(wy, o, o.length);
        };
        check("patch dropout din", in, 0, in.length, din, 0, loss, EPS, TOL, FLOOR, 2, 10, 1);
        assertEquals(1, PatchDropout.keptPatches(3, 0.9), "at least one patch");
    }
}
