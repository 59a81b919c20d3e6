package io.ringclip.models.nn;

/**
 * Learned positional embedding, broadcast over the batch.
 *
 * <pre>
 *   x [B, T, C] += pos [T, C]
 *   dpos [T, C] += Σ_b dx[b, :, :]
 * </pre>
 */
public final class PositionalEmbedding {

    private PositionalEmbedding() {}

    public static void forward(float[] x, float[] pos, int posOff, int b, int t, int c) {
        for (int bi = 0; bi < b; bi++) {
            int xo = bi * t * c;
            for (int i = 0; i < t * c; i++) {
                x[xo + i] += pos[posOff + i];
            }
        }
    }

    public static void backward(float[] dpos, int dposOff, float[] dx, int b, int t, int c) {
        for (int bi = 0; bi < b; bi++) {
            int xo = bi * t * c;
            for (int i = 0; i < t * c; i++) {
                dpos[dposOff + i] += dx[xo + i];
            }
        }
    }
}
