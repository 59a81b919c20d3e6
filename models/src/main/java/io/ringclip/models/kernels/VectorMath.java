package io.ringclip.models.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector-API reductions and exp whose float results do not depend on which JIT tier runs them.
 *
 * <p>Why: {@code reduceLanes(ADD)} and {@code lanewise(EXP)} are allowed to differ between the
 * interpreter/C1 fallback (a sequential loop over the lanes, {@code Math.exp} per lane) and C2's
 * intrinsics (a tree of shuffles, Intel SVML's exp). A run then depends on when compilation
 * finishes: two identical training jobs with the same seed drifted apart from step 1, and a resume
 * test failed by 1 ulp now and then. Everything here is built from lane-wise add, mul, fma,
 * rearrange and bit operations, which are exact IEEE operations in every tier, so the result is a
 * function of the inputs alone (for a given vector length).
 */
public final class VectorMath {

    private VectorMath() {}

    /**
     * The sum of the lanes of {@code v} in a fixed order: a butterfly that adds lane i and lane
     * i XOR h for h = length/2, ..., 1, then lane 0. Equal to {@link #sumReference} bit for bit.
     */
    public static float sum(FloatVector v) {
        if (v.species() != PREFERRED || PREFERRED.length() > 16) {
            return sumReference(v.toArray());
        }
        // each step is guarded by the (constant) lane count; the shuffles are constants, so C2
        // emits a permute + add per step (a shuffle read from an array is not, and is boxed)
        if (PREFERRED.length() >= 16) {
            v = v.add(v.rearrange(SWAP_8));
        }
        if (PREFERRED.length() >= 8) {
            v = v.add(v.rearrange(SWAP_4));
        }
        if (PREFERRED.length() >= 4) {
            v = v.add(v.rearrange(SWAP_2));
        }
        if (PREFERRED.length() >= 2) {
            v = v.add(v.rearrange(SWAP_1));
        }
        return v.lane(0);
    }

    /** Scalar definition of {@link #sum}: pairwise sums, neighbours at distance length/2 first. */
    public static float sumReference(float[] lanes) {
        float[] t = lanes.clone();
        for (int h = t.length / 2; h >= 1; h /= 2) {
            float[] next = new float[t.length];
            for (int i = 0; i < t.length; i++) {
                next[i] = t[i] + t[i ^ h];
            }
            t = next;
        }
        return t[0];
    }

    // exp(x) = 2^n * e^r, n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2] (Cody-Waite: ln 2 in
    // two parts so n * LN2_HI is exact), e^r by its Taylor series to r^7 (truncation < 1e-8 relative).
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693359375f; // 8 significant bits: n * LN2_HI is exact for |n| <= 2^15
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer, held in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;
    /** Below this, e^x is under the smallest normal float: the result is 0 (no subnormals). */
    static final float MIN_ARG = -87.33654f;
    /** Above this, e^x overflows to +inf. */
    static final float MAX_ARG = 88.72283f;
    private static final float C2 = 1f / 2, C3 = 1f / 6, C4 = 1f / 24, C5 = 1f / 120, C6 = 1f / 720, C7 = 1f / 5040;

    /**
     * e^x per lane, within 2 ulp of {@link Math#exp} for normal results; 0 below {@link #MIN_ARG},
     * +inf above {@link #MAX_ARG}, NaN for NaN. Equal to {@link #expReference} bit for bit.
     */
    public static FloatVector exp(FloatVector x) {
        VectorSpecies<Float> s = x.species();
        FloatVector clamped = x.max(MIN_ARG).min(MAX_ARG);
        FloatVector t = clamped.fma(FloatVector.broadcast(s, LOG2E), FloatVector.broadcast(s, ROUND));
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(s, -LN2_HI), clamped);
        r = n.fma(FloatVector.broadcast(s, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(s, C7), FloatVector.broadcast(s, C6));
        p = p.fma(r, FloatVector.broadcast(s, C5));
        p = p.fma(r, FloatVector.broadcast(s, C4));
        p = p.fma(r, FloatVector.broadcast(s, C3));
        p = p.fma(r, FloatVector.broadcast(s, C2));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        p = p.fma(r, FloatVector.broadcast(s, 1f));
        // 2^n as two factors 2^(n/2) and 2^(n - n/2), so n = 128 (x near MAX_ARG) does not overflow the exponent
        IntVector ni = t.reinterpretAsInts().sub(ROUND_BITS);
        IntVector half = ni.lanewise(VectorOperators.ASHR, 1);
        FloatVector scaleA = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scaleB = ni.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector e = p.mul(scaleA).mul(scaleB);
        e = e.blend(0f, x.compare(VectorOperators.LT, MIN_ARG));
        e = e.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, MAX_ARG));
        return e.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** Scalar definition of {@link #exp}, the same operations in the same order (loop tails use it). */
    public static float expReference(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (x < MIN_ARG) {
            return 0f;
        }
        if (x > MAX_ARG) {
            return Float.POSITIVE_INFINITY;
        }
        float t = Math.fma(x, LOG2E, ROUND);
        float n = t - ROUND;
        float r = Math.fma(n, -LN2_HI, x);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(r, C7, C6);
        p = Math.fma(p, r, C5);
        p = Math.fma(p, r, C4);
        p = Math.fma(p, r, C3);
        p = Math.fma(p, r, C2);
        p = Math.fma(p, r, 1f);
        p = Math.fma(p, r, 1f);
        int ni = Float.floatToRawIntBits(t) - ROUND_BITS;
        int half = ni >> 1;
        return p * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((ni - half + 127) << 23);
    }

    private static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;
    private static final VectorShuffle<Float> SWAP_8 = swap(8);
    private static final VectorShuffle<Float> SWAP_4 = swap(4);
    private static final VectorShuffle<Float> SWAP_2 = swap(2);
    private static final VectorShuffle<Float> SWAP_1 = swap(1);

    /** Lane i takes lane i XOR distance (identity where the species has too few lanes; never used then). */
    private static VectorShuffle<Float> swap(int distance) {
        return VectorShuffle.fromOp(PREFERRED, i -> distance < PREFERRED.length() ? i ^ distance : i);
    }
}
