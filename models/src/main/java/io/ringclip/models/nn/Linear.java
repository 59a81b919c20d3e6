package io.ringclip.models.nn;

import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.tensor.Parallel;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Fully connected layer, PyTorch layout: weight {@code [Cout, Cin]}, optional bias {@code [Cout]}.
 *
 * <pre>
 *   x [N, Cin]  →  y [N, Cout] = x·Wᵀ + b          (GEMM NT)
 *   dx [N, Cin]  += dy·W                           (GEMM NN)
 *   dW [Cout, Cin] += dyᵀ·x                        (GEMM TN)
 *   db [Cout]   += Σ_n dy[n, :]
 * </pre>
 * Weights and biases are addressed by offset because they live in a parameter arena.
 */
public final class Linear {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Linear() {}

    /** {@code b == null} means no bias. {@code y} is overwritten. */
    public static void forward(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                               int n, int cin, int cout) {
        forwardResidual(y, x, w, wOff, b, bOff, null, n, cin, cout);
    }

    /**
     * {@code y = x·Wᵀ + b + residual} ({@code residual [N, Cout]}, may be null; must not be {@code y}):
     * bias and residual are added in one parallel pass over y after the GEMM instead of two passes.
     */
    public static void forwardResidual(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                                       float[] residual, int n, int cin, int cout) {
        Gemm.sgemm(false, true, n, cout, cin, x, 0, cin, w, wOff, cin, y, 0, cout, false);
        if (b == null && residual == null) {
            return;
        }
        Parallel.forRange(n, (long) n * cout < 65_536 ? 1 : Gemm.threads(), (s, e, worker) -> {
            for (int r = s; r < e; r++) {
                addRow(y, r * cout, b, bOff, residual, cout);
            }
        });
    }

    /** y[yo, +cols) += b[bOff, +cols) (if b) + residual[yo, +cols) (if residual). */
    private static void addRow(float[] y, int yo, float[] b, int bOff, float[] residual, int cols) {
        int j = 0;
        for (int upper = S.loopBound(cols); j < upper; j += S.length()) {
            FloatVector v = FloatVector.fromArray(S, y, yo + j);
            if (b != null) {
                v = v.add(FloatVector.fromArray(S, b, bOff + j));
            }
            if (residual != null) {
                v = v.add(FloatVector.fromArray(S, residual, yo + j));
            }
            v.intoArray(y, yo + j);
        }
        for (; j < cols; j++) {
            y[yo + j] += (b != null ? b[bOff + j] : 0f) + (residual != null ? residual[yo + j] : 0f);
        }
    }

    /**
     * {@code dx == null} skips the input gradient; {@code db == null} means no bias.
     * {@code accumulateDx} false overwrites {@code dx} instead of adding (saves zeroing a scratch).
     */
    public static void backward(float[] dx, boolean accumulateDx, float[] dw, int dwOff, float[] db, int dbOff,
                                float[] dy, float[] x, float[] w, int wOff, int n, int cin, int cout) {
        backwardWeights(dw, dwOff, db, dbOff, dy, x, n, cin, cout);
        if (dx != null) {
            backwardInput(dx, accumulateDx, dy, w, wOff, n, cin, cout);
        }
    }

    /** dW += dyᵀ·x and db += Σ dy; split out so a caller may then overwrite x's buffer with dx. */
    public static void backwardWeights(float[] dw, int dwOff, float[] db, int dbOff, float[] dy, float[] x,
                                       int n, int cin, int cout) {
        Gemm.sgemm(true, false, cout, cin, n, dy, 0, cout, x, 0, cin, dw, dwOff, cin, true);
        if (db != null) {
            columnSums(db, dbOff, dy, n, cout);
        }
    }

    /** dx (+)= dy·W. */
    public static void backwardInput(float[] dx, boolean accumulateDx, float[] dy, float[] w, int wOff,
                                     int n, int cin, int cout) {
        Gemm.sgemm(false, false, n, cin, cout, dy, 0, cout, w, wOff, cin, dx, 0, cin, accumulateDx);
    }

    /**
     * {@code out[j] += Σ_r m[r, j]} for a row-major {@code [rows, cols]} matrix: a bandwidth-bound sweep
     * over dy, split over row ranges with one partial row per thread, added in thread order (deterministic).
     */
    static void columnSums(float[] out, int outOff, float[] m, int rows, int cols) {
        int chunks = (long) rows * cols < 65_536 ? 1 : Math.min(Gemm.threads(), rows);
        float[][] partial = new float[chunks][cols];
        Parallel.forRange(rows, chunks, (s, e, worker) -> {
            float[] acc = partial[worker];
            for (int r = s; r < e; r++) {
                accumulateRow(acc, m, r * cols, cols);
            }
        });
        for (float[] acc : partial) {
            for (int j = 0; j < cols; j++) {
                out[outOff + j] += acc[j];
            }
        }
    }

    /** acc[0, +cols) += m[mo, +cols). */
    private static void accumulateRow(float[] acc, float[] m, int mo, int cols) {
        int j = 0;
        for (int upper = S.loopBound(cols); j < upper; j += S.length()) {
            FloatVector.fromArray(S, acc, j).add(FloatVector.fromArray(S, m, mo + j)).intoArray(acc, j);
        }
        for (; j < cols; j++) {
            acc[j] += m[mo + j];
        }
    }

    /** Reference for {@link #columnSums}: one thread, rows in order. */
    static void columnSumsReference(float[] out, int outOff, float[] m, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int mo = r * cols;
            for (int j = 0; j < cols; j++) {
                out[outOff + j] += m[mo + j];
            }
        }
    }
}
