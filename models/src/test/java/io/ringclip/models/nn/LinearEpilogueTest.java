package io.ringclip.models.nn;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static io.ringclip.models.testing.GradCheck.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The fused, parallel bias/residual pass and the parallel bias-gradient column sums against plain
 * loops, at sizes below and above the parallel threshold and with vector tails.
 */
class LinearEpilogueTest {

    @ParameterizedTest(name = "N={0} Cin={1} Cout={2}")
    @CsvSource({"1, 3, 1", "5, 7, 13", "700, 33, 129", "1000, 16, 100"})
    void forwardResidualAddsBiasAndResidualToTheProduct(int n, int cin, int cout) {
        SplittableRandom rng = new SplittableRandom(n + cin + cout);
        float[] x = random(rng, n * cin, 1), w = random(rng, cout * cin + 2, 1), b = random(rng, cout + 1, 1);
        float[] residual = random(rng, n * cout, 1);
        float[] y = new float[n * cout], plain = new float[n * cout];
        Linear.forwardResidual(y, x, w, 2, b, 1, residual, n, cin, cout);
        Linear.forward(plain, x, w, 2, null, 0, n, cin, cout);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < cout; j++) {
                plain[r * cout + j] += b[1 + j] + residual[r * cout + j];
            }
        }
        assertArrayEquals(plain, y, 1e-5f);
    }

    @ParameterizedTest(name = "rows={0} cols={1}")
    @CsvSource({"1, 1", "3, 17", "1000, 100", "12801, 7", "513, 257"})
    void parallelColumnSumsMatchReference(int rows, int cols) {
        SplittableRandom rng = new SplittableRandom(rows * 7L + cols);
        float[] m = random(rng, rows * cols, 1);
        float[] out = random(rng, cols + 4, 1), ref = out.clone();
        Linear.columnSums(out, 4, m, rows, cols);
        Linear.columnSumsReference(ref, 4, m, rows, cols);
        assertArrayEquals(ref, out, 1e-6f * rows + 1e-6f);
    }
}
