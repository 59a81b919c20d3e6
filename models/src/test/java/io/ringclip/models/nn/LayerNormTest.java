package io.ringclip.models.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static io.ringclip.models.testing.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The Vector API layer norm against the scalar reference at widths with and without vector tails. */
class LayerNormTest {

    @ParameterizedTest(name = "N={0} C={1}")
    @CsvSource({"1, 1", "3, 7", "5, 13", "200, 100", "129, 128", "7, 257", "300, 64"})
    void vectorLayerNormMatchesReference(int n, int c) {
        SplittableRandom rng = new SplittableRandom(n * 1000L + c);
        float[] x = random(rng, n * c, 2);
        for (int i = 0; i < x.length; i++) {
            x[i] += 0.5f; // a non-zero mean
        }
        float[] gamma = random(rng, c + 3, 1), beta = random(rng, c + 5, 1);
        float[] dy = random(rng, n * c, 1);
        float[] y = new float[n * c], yRef = new float[n * c];
        float[] mean = new float[n], rstd = new float[n], meanRef = new float[n], rstdRef = new float[n];
        LayerNorm.forward(y, mean, rstd, x, gamma, 3, beta, 5, n, c, 2);
        LayerNorm.forwardReference(yRef, meanRef, rstdRef, x, gamma, 3, beta, 5, n, c);
        assertArrayEquals(meanRef, mean, 1e-5f, "mean");
        assertArrayEquals(rstdRef, rstd, 1e-4f, "rstd");
        assertArrayEquals(yRef, y, 1e-4f, "y");
        float[] recomputed = new float[n * c];
        LayerNorm.recompute(recomputed, x, mean, rstd, gamma, 3, beta, 5, n, c, 2);
        assertArrayEquals(y, recomputed, 1e-6f, "recomputed y");

        float[] dx = random(rng, n * c, 1), dxRef = dx.clone();
        float[] dg = random(rng, c + 1, 1), dgRef = dg.clone();
        float[] db = random(rng, c + 2, 1), dbRef = db.clone();
        LayerNorm.backward(dx, dg, 1, db, 2, dy, x, meanRef, rstdRef, gamma, 3, n, c, 2);
        LayerNorm.backwardReference(dxRef, dgRef, 1, dbRef, 2, dy, x, meanRef, rstdRef, gamma, 3, n, c);
        assertArrayEquals(dxRef, dx, 1e-4f, "dx");
        assertArrayEquals(dgRef, dg, 2e-4f * n, "dgamma");
        assertArrayEquals(dbRef, db, 2e-4f * n, "dbeta");
    }
}
