package io.ringclip.models.nn;

import io.ringclip.models.kernels.VectorMath;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API loops over one row of attention scores (a few dozen floats), used by
 * {@link FlashAttention}. Scalar {@code Math.exp} over the T×T scores of every head was most of
 * attention's time outside its GEMMs (~2 500 exps per 50-token head, forward and again in backward);
 * {@link VectorMath#exp} does 16 at a time (tier-independent, unlike {@code VectorOperators.EXP}). The plain {@link Attention}, with scalar loops, is
 * the reference that AttentionParityTest compares against.
 */
final class RowVectors {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private RowVectors() {}

    /** max(x[off, +n)), −∞ when n = 0. */
    static float max(float[] x, int off, int n) {
        int j = 0;
        float m = Float.NEGATIVE_INFINITY;
        int upper = S.loopBound(n);
        if (upper > 0) {
            FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; j < upper; j += S.length()) {
                acc = acc.max(FloatVector.fromArray(S, x, off + j));
            }
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; j < n; j++) {
            m = Math.max(m, x[off + j]);
        }
        return m;
    }

    /** In place {@code x[j] ← exp(x[j]·scale − shift)} over {@code [off, +n)}; returns the sum of the new values. */
    static float expScaledShifted(float[] x, int off, int n, float scale, float shift) {
        int j = 0;
        float sum = 0f;
        int upper = S.loopBound(n);
        if (upper > 0) {
            FloatVector vShift = FloatVector.broadcast(S, shift);
            FloatVector acc = FloatVector.zero(S);
            for (; j < upper; j += S.length()) {
                FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, off + j).mul(scale).sub(vShift));
                e.intoArray(x, off + j);
                acc = acc.add(e);
            }
            sum = VectorMath.sum(acc);
        }
        for (; j < n; j++) {
            float e = (float) Math.exp(x[off + j] * scale - shift);
            x[off + j] = e;
            sum += e;
        }
        return sum;
    }

    /** Σ a[ao + j]·b[bo + j] over j in [0, n). */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        int j = 0;
        float sum = 0f;
        int upper = S.loopBound(n);
        if (upper > 0) {
            FloatVector acc = FloatVector.zero(S);
            for (; j < upper; j += S.length()) {
                acc = FloatVector.fromArray(S, a, ao + j).fma(FloatVector.fromArray(S, b, bo + j), acc);
            }
            sum = VectorMath.sum(acc);
        }
        for (; j < n; j++) {
            sum += a[ao + j] * b[bo + j];
        }
        return sum;
    }

    /** In place {@code dp[j] ← scale · p[j] · (dp[j] − di)} over n elements (softmax backward of one row). */
    static void softmaxGrad(float[] dp, int dpOff, float[] p, int pOff, int n, float scale, float di) {
        int j = 0;
        FloatVector vDi = FloatVector.broadcast(S, di);
        for (int upper = S.loopBound(n); j < upper; j += S.length()) {
            FloatVector.fromArray(S, dp, dpOff + j).sub(vDi).mul(FloatVector.fromArray(S, p, pOff + j)).mul(scale)
                    .intoArray(dp, dpOff + j);
        }
        for (; j < n; j++) {
            dp[dpOff + j] = scale * p[pOff + j] * (dp[dpOff + j] - di);
        }
    }

    /** x[off, +n) *= s. */
    static void scale(float[] x, int off, int n, float s) {
        int j = 0;
        for (int upper = S.loopBound(n); j < upper; j += S.length()) {
            FloatVector.fromArray(S, x, off + j).mul(s).intoArray(x, off + j);
        }
        for (; j < n; j++) {
            x[off + j] *= s;
        }
    }
}
