package io.ringclip.models.nn;

/**
 * Residual connection.
 *
 * <pre>
 *   y [n] = x + r      (y may alias x or r)
 *   dx += dy,  dr += dy
 * </pre>
 */
public final class Residual {

    private Residual() {}

    public static void forward(float[] y, float[] x, float[] r, int n) {
        for (int i = 0; i < n; i++) {
            y[i] = x[i] + r[i];
        }
    }

    /** Either gradient may be null (not needed). */
    public static void backward(float[] dx, float[] dr, float[] dy, int n) {
        if (dx != null) {
            for (int i = 0; i < n; i++) {
                dx[i] += dy[i];
            }
        }
        if (dr != null) {
            for (int i = 0; i < n; i++) {
                dr[i] += dy[i];
            }
        }
    }
}
