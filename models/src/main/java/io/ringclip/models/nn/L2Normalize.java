package io.ringclip.models.nn;

/**
 * Row-wise L2 normalisation ({@code F.normalize(x, dim=-1)}, eps 1e-12).
 *
 * <pre>
 *   x [N, E] → y [N, E] = x / max(‖x‖, eps),  norms [N] saved
 *   dx += (dy − y · (y·dy)) / ‖x‖
 * </pre>
 */
public final class L2Normalize {

    private static final float EPS = 1e-12f;

    private L2Normalize() {}

    public static void forward(float[] y, float[] norms, float[] x, int n, int e) {
        for (int r = 0; r < n; r++) {
            int o = r * e;
            double sq = 0;
            for (int j = 0; j < e; j++) {
                sq += (double) x[o + j] * x[o + j];
            }
            float norm = Math.max((float) Math.sqrt(sq), EPS);
            if (norms != null) {
                norms[r] = norm;
            }
            float inv = 1f / norm;
            for (int j = 0; j < e; j++) {
                y[o + j] = x[o + j] * inv;
            }
        }
    }

    public static void backward(float[] dx, float[] dy, float[] y, float[] norms, int n, int e) {
        for (int r = 0; r < n; r++) {
            int o = r * e;
            float dot = 0f;
            for (int j = 0; j < e; j++) {
                dot += y[o + j] * dy[o + j];
            }
            float inv = 1f / norms[r];
            for (int j = 0; j < e; j++) {
                dx[o + j] += (dy[o + j] - y[o + j] * dot) * inv;
            }
        }
    }
}
