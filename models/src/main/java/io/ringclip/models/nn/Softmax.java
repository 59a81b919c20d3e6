package io.ringclip.models.nn;

/**
 * Row softmax, max-subtracted.
 *
 * <pre>
 *   x [rows, cols] → y [rows, cols],  y = exp(x − max) / Σ exp(x − max)
 *   dx += y ∘ (dy − Σ_j dy_j y_j)
 * </pre>
 * The single-row methods take a length so attention can soft-max the unmasked prefix of a causal row.
 */
public final class Softmax {

    private Softmax() {}

    public static void forward(float[] y, float[] x, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            forwardRow(y, r * cols, x, r * cols, cols);
        }
    }

    public static void backward(float[] dx, float[] dy, float[] y, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float dot = 0f;
            for (int j = 0; j < cols; j++) {
                dot += dy[o + j] * y[o + j];
            }
            for (int j = 0; j < cols; j++) {
                dx[o + j] += y[o + j] * (dy[o + j] - dot);
            }
        }
    }

    /** Softmax of {@code x[xOff, +n)} into {@code y[yOff, +n)} (may alias). */
    public static void forwardRow(float[] y, int yOff, float[] x, int xOff, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, x[xOff + j]);
        }
        float sum = 0f;
        for (int j = 0; j < n; j++) {
            float e = (float) Math.exp(x[xOff + j] - max);
            y[yOff + j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int j = 0; j < n; j++) {
            y[yOff + j] *= inv;
        }
    }
}
