package io.ringclip.models.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Vector API GELU against the double-precision reference at awkward lengths (tails included). */
class GeluTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 13, 100, 257, 70_001})
    void vectorGeluMatchesReference(int n) {
        SplittableRandom rng = new SplittableRandom(n);
        float[] x = new float[n], dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * 3);
            dy[i] = (float) rng.nextGaussian();
        }
        x[0] = 0f;
        float[] y = new float[n], yRef = new float[n], dx = new float[n], dxRef = new float[n];
        Gelu.forward(y, x, n, 2);
        Gelu.forwardReference(yRef, x, n);
        Gelu.backward(dx, true, dy, x, n, 2);
        Gelu.backwardReference(dxRef, dy, x, n);
        for (int i = 0; i < n; i++) {
            assertEquals(yRef[i], y[i], 4e-7 * Math.max(1, Math.abs(x[i])), "y at " + i + " x=" + x[i]);
            assertEquals(dxRef[i], dx[i], 1e-6 * Math.max(1, Math.abs(dy[i]) * (1 + Math.abs(x[i]))), "dx at " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 7, 13, 100, 257, 70_001})
    void fusedRecomputationAndDerivativeMatchReference(int n) {
        SplittableRandom rng = new SplittableRandom(n + 1);
        float[] x = new float[n], dy = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * 3);
            dy[i] = (float) rng.nextGaussian();
        }
        float[] y = new float[n], yRef = new float[n], dxRef = new float[n];
        Gelu.forwardReference(yRef, x, n);
        Gelu.backwardReference(dxRef, dy, x, n);
        float[] xs = x.clone();
        Gelu.forwardKeepingDerivative(y, x, n, 2);
        float[] dx = new float[n];
        Gelu.backwardFromDerivative(dx, dy, x, n, 2);
        for (int i = 0; i < n; i++) {
            assertEquals(yRef[i], y[i], 4e-7 * Math.max(1, Math.abs(xs[i])), "y at " + i + " x=" + xs[i]);
            assertEquals(dxRef[i], dx[i], 1e-6 * Math.max(1, Math.abs(dy[i]) * (1 + Math.abs(xs[i]))), "dx at " + i);
        }
    }
}
