package io.ringclip.models.nn;

import java.util.random.RandomGenerator;

/**
 * Inverted dropout.
 *
 * <pre>
 *   y [n] = x · keep / (1 − p),   keep [n] ∈ {0, 1} saved (Bernoulli(1 − p))
 *   dx += dy · keep / (1 − p)
 * </pre>
 * The towers of open_clip's CLIP configs use p = 0; the op exists for configs that do not.
 */
public final class Dropout {

    private Dropout() {}

    public static void forward(float[] y, boolean[] keep, float[] x, float p, RandomGenerator rng, int n) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1): p=" + p);
        }
        float scale = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            keep[i] = p == 0f || rng.nextFloat() >= p;
            y[i] = keep[i] ? x[i] * scale : 0f;
        }
    }

    public static void backward(float[] dx, float[] dy, boolean[] keep, float p, int n) {
        float scale = 1f / (1f - p);
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                dx[i] += dy[i] * scale;
            }
        }
    }
}
