package io.ringclip.models.nn;

import io.ringclip.models.kernels.Gemm;

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

    private Linear() {}

    /** {@code b == null} means no bias. {@code y} is overwritten. */
    public static void forward(float[] y, float[] x, float[] w, int wOff, float[] b, int bOff,
                               int n, int cin, int cout) {
        Gemm.sgemm(false, true, n, cout, cin, x, 0, cin, w, wOff, cin, y, 0, cout, false);
        if (b != null) {
            for (int r = 0; r < n; r++) {
                int yo = r * cout;
                for (int j = 0; j < cout; j++) {
                    y[yo + j] += b[bOff + j];
                }
            }
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

    /** {@code out[j] += Σ_r m[r, j]} for a row-major {@code [rows, cols]} matrix. */
    static void columnSums(float[] out, int outOff, float[] m, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int mo = r * cols;
            for (int j = 0; j < cols; j++) {
                out[outOff + j] += m[mo + j];
            }
        }
    }
}
