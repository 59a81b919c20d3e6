package io.ringclip.models.nn;

import io.ringclip.models.tensor.Parallel;
import io.ringclip.models.tensor.SavedActivation;
import io.ringclip.models.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Exact (erf) GELU, PyTorch's {@code nn.GELU()} default.
 *
 * <pre>
 *   y = ½ x (1 + erf(x/√2))                        x, y [n]
 *   dx (+)= dy · (½ (1 + erf(x/√2)) + x · φ(x)),   φ(x) = exp(−x²/2)/√(2π)
 * </pre>
 * Fast path: Vector API lanes with erf from Abramowitz–Stegun 7.1.26 (|error| ≤ 1.5e-7, one vector
 * exp per element). Reference path: {@link #forwardReference}/{@link #backwardReference} with the
 * Numerical Recipes erfc fit (|error| ≤ 1.2e-7) in double; GeluTest compares the two.
 * GELU is bandwidth- and exp-bound: the scalar loop was ~15 % of a tiny-model step.
 */
public final class Gelu {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));
    // Abramowitz & Stegun 7.1.26
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f;
    private static final float A2 = -0.284496736f;
    private static final float A3 = 1.421413741f;
    private static final float A4 = -1.453152027f;
    private static final float A5 = 1.061405429f;

    private Gelu() {}

    /** Elements per decode block when the input is stored as 16-bit: stays in L1 next to its output. */
    private static final int DECODE_BLOCK = 2048;

    /** {@code y == x} (in place) is allowed. */
    public static void forward(float[] y, float[] x, int n, int threads) {
        Parallel.forRange(n, n < 65_536 ? 1 : threads, (s, e, w) -> forwardSpan(y, x, s, s, e - s));
    }

    /**
     * As {@link #forward(float[], float[], int, int)} with x read from a saved activation: 16-bit
     * storage is decoded block by block into a small per-thread buffer, never unpacked whole.
     */
    public static void forward(float[] y, SavedActivation x, int n, int threads) {
        float[] full = x.floats();
        if (full != null) {
            forward(y, full, n, threads);
            return;
        }
        inDecodedBlocks(x, n, threads, (block, at, len) -> forwardSpan(y, block, 0, at, len));
    }

    /** Work on elements [at, at + len) of a saved activation, decoded into {@code block[0, len)}. */
    private interface DecodedBlockBody {
        void run(float[] block, int at, int len);
    }

    /** Runs {@code body} over x[0, n) in {@link #DECODE_BLOCK}-element pieces, each thread decoding into its own block. */
    private static void inDecodedBlocks(SavedActivation x, int n, int threads, DecodedBlockBody body) {
        Parallel.forRange(n, n < 65_536 ? 1 : threads, (s, e, w) -> {
            float[] block = new float[DECODE_BLOCK];
            for (int i = s; i < e; i += DECODE_BLOCK) {
                int len = Math.min(DECODE_BLOCK, e - i);
                x.decode(i, len, block, 0);
                body.run(block, i, len);
            }
        });
    }

    /** {@code dx == dy} (in place) is allowed when {@code accumulate} is false. */
    public static void backward(float[] dx, boolean accumulate, float[] dy, float[] x, int n, int threads) {
        Parallel.forRange(n, n < 65_536 ? 1 : threads, (s, e, w) -> backwardSpan(dx, accumulate, dy, x, s, s, e - s));
    }

    /** As {@link #backward(float[], boolean, float[], float[], int, int)} with x read from a saved activation. */
    public static void backward(float[] dx, boolean accumulate, float[] dy, SavedActivation x, int n, int threads) {
        float[] full = x.floats();
        if (full != null) {
            backward(dx, accumulate, dy, full, n, threads);
            return;
        }
        inDecodedBlocks(x, n, threads, (block, at, len) -> backwardSpan(dx, accumulate, dy, block, 0, at, len));
    }

    /**
     * Backward's recomputation, fused with the derivative: {@code y = gelu(x)} and, in place,
     * {@code x ← gelu'(x)} for {@link #backwardFromDerivative}. One erf/exp evaluation per element
     * serves both (exp(−z²) with z = x/√2 is exp(−x²/2), φ's exponential), instead of one in the
     * recomputation and another in {@link #backward}. Only for an x that is dead afterwards.
     */
    public static void forwardKeepingDerivative(float[] y, float[] x, int n, int threads) {
        Parallel.forRange(n, n < 65_536 ? 1 : threads, (s, e, w) -> {
            int i = s;
            for (int upper = s + S.loopBound(e - s); i < upper; i += S.length()) {
                FloatVector v = FloatVector.fromArray(S, x, i);
                FloatVector z = v.mul(INV_SQRT2);
                FloatVector a = z.abs();
                FloatVector t = FloatVector.broadcast(S, 1f).div(a.fma(P, 1f));
                FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3)).fma(t, FloatVector.broadcast(S, A2))
                        .fma(t, FloatVector.broadcast(S, A1)).mul(t);
                FloatVector expZ2 = VectorMath.exp(a.mul(a).neg());
                FloatVector r = poly.mul(expZ2).neg().add(1f);
                FloatVector erf = r.blend(r.neg(), z.compare(VectorOperators.LT, 0f));
                FloatVector cdf = erf.add(1f).mul(0.5f);
                v.mul(cdf).intoArray(y, i);
                v.fma(expZ2.mul(INV_SQRT_2PI), cdf).intoArray(x, i);
            }
            for (; i < e; i++) {
                float v = x[i];
                float cdf = 0.5f * (1f + erfFast(v * INV_SQRT2));
                float pdf = (float) Math.exp(-0.5f * v * v) * INV_SQRT_2PI;
                y[i] = v * cdf;
                x[i] = cdf + v * pdf;
            }
        });
    }

    /** {@code dx = dy ∘ dgelu} with {@code dgelu} from {@link #forwardKeepingDerivative}; {@code dx == dy} allowed. */
    public static void backwardFromDerivative(float[] dx, float[] dy, float[] dgelu, int n, int threads) {
        Parallel.forRange(n, n < 65_536 ? 1 : threads, (s, e, w) -> {
            int i = s;
            for (int upper = s + S.loopBound(e - s); i < upper; i += S.length()) {
                FloatVector.fromArray(S, dy, i).mul(FloatVector.fromArray(S, dgelu, i)).intoArray(dx, i);
            }
            for (; i < e; i++) {
                dx[i] = dy[i] * dgelu[i];
            }
        });
    }

    /** y[yOff, +len) = gelu(x[xOff, +len)). */
    private static void forwardSpan(float[] y, float[] x, int xOff, int yOff, int len) {
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector cdf = erfVector(v.mul(INV_SQRT2)).add(1f).mul(0.5f);
            v.mul(cdf).intoArray(y, yOff + i);
        }
        for (; i < len; i++) {
            float v = x[xOff + i];
            y[yOff + i] = v * 0.5f * (1f + erfFast(v * INV_SQRT2));
        }
    }

    /** dx[off, +len) (+)= dy[off, +len) · gelu'(x[xOff, +len)). */
    private static void backwardSpan(float[] dx, boolean accumulate, float[] dy, float[] x, int xOff, int off, int len) {
        int i = 0;
        for (int upper = S.loopBound(len); i < upper; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + i);
            FloatVector cdf = erfVector(v.mul(INV_SQRT2)).add(1f).mul(0.5f);
            FloatVector pdf = VectorMath.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector g = FloatVector.fromArray(S, dy, off + i).mul(v.fma(pdf, cdf));
            if (accumulate) {
                g = g.add(FloatVector.fromArray(S, dx, off + i));
            }
            g.intoArray(dx, off + i);
        }
        for (; i < len; i++) {
            float v = x[xOff + i];
            float cdf = 0.5f * (1f + erfFast(v * INV_SQRT2));
            float pdf = (float) Math.exp(-0.5f * v * v) * INV_SQRT_2PI;
            float g = dy[off + i] * (cdf + v * pdf);
            dx[off + i] = accumulate ? dx[off + i] + g : g;
        }
    }

    private static FloatVector erfVector(FloatVector z) {
        FloatVector a = z.abs();
        FloatVector t = FloatVector.broadcast(S, 1f).div(a.fma(P, 1f));
        FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3)).fma(t, FloatVector.broadcast(S, A2))
                .fma(t, FloatVector.broadcast(S, A1)).mul(t);
        FloatVector r = poly.mul(VectorMath.exp(a.mul(a).neg())).neg().add(1f);
        VectorMask<Float> negative = z.compare(VectorOperators.LT, 0f);
        return r.blend(r.neg(), negative);
    }

    /** The same approximation as the vector lanes, for loop tails. */
    static float erfFast(float z) {
        float a = Math.abs(z);
        float t = 1f / (1f + P * a);
        float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
        float r = 1f - poly * (float) Math.exp(-a * a);
        return z < 0 ? -r : r;
    }

    /** Reference forward: erf in double. */
    public static void forwardReference(float[] y, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = 0.5f * v * (1f + erf(v * INV_SQRT2));
        }
    }

    /** Reference backward (accumulating). */
    public static void backwardReference(float[] dx, float[] dy, float[] x, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            float cdf = 0.5f * (1f + erf(v * INV_SQRT2));
            float pdf = (float) Math.exp(-0.5f * v * v) * INV_SQRT_2PI;
            dx[i] += dy[i] * (cdf + v * pdf);
        }
    }

    /** erf(x), max absolute error ~1.2e-7 (Numerical Recipes' erfc Chebyshev fit). */
    public static float erf(float x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        double r = 1.0 - ans;
        return (float) (x >= 0 ? r : -r);
    }
}
