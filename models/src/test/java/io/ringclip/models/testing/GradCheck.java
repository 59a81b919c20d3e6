package io.ringclip.models.testing;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Finite-difference gradient checks in fp32 with a stated tolerance: the central difference of the
 * scalar loss along random directions v, (L(x+εv) − L(x−εv)) / 2ε, against ⟨∇L, v⟩ from backward, and
 * the same along single coordinates. Directions have unit norm, so ε is the step length. Losses are summed in double so the difference is limited by the
 * fp32 ops themselves (relative rounding ~1e-7·√n), which ε = 1e-2…1e-3 turns into ~1e-4 relative error.
 */
public final class GradCheck {

    private GradCheck() {}

    public static float[] random(SplittableRandom rng, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rng.nextGaussian() * scale);
        }
        return x;
    }

    /** Σ w·y in double. */
    public static double dot(float[] w, float[] y, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) w[i] * y[i];
        }
        return s;
    }

    /**
     * Checks {@code grad} (∂loss/∂x over {@code x[off, off+n)}) along {@code directions} random directions
     * and {@code coordinates} random coordinates.
     *
     * @param loss recomputes the loss from the current contents of x
     * @param tol  |numeric − analytic| ≤ tol · max(|analytic|, |numeric|, floor)
     */
    public static void check(String what, float[] x, int off, int n, float[] grad, int gradOff, DoubleSupplier loss,
                             double eps, double tol, double floor, int directions, int coordinates, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int t = 0; t < directions; t++) {
            float[] v = random(rng, n, 1.0);
            double norm = Math.sqrt(dot(v, v, n));
            for (int i = 0; i < n; i++) {
                v[i] /= (float) norm; // unit direction: eps is the length of the step
            }
            double analytic = 0;
            for (int i = 0; i < n; i++) {
                analytic += (double) grad[gradOff + i] * v[i];
            }
            float[] saved = new float[n];
            System.arraycopy(x, off, saved, 0, n);
            for (int i = 0; i < n; i++) {
                x[off + i] = (float) (saved[i] + eps * v[i]);
            }
            double plus = loss.getAsDouble();
            for (int i = 0; i < n; i++) {
                x[off + i] = (float) (saved[i] - eps * v[i]);
            }
            double minus = loss.getAsDouble();
            System.arraycopy(saved, 0, x, off, n);
            compare(what + " direction " + t, (plus - minus) / (2 * eps), analytic, tol, floor);
        }
        for (int t = 0; t < Math.min(coordinates, n); t++) {
            int i = coordinates >= n ? t : rng.nextInt(n);
            float saved = x[off + i];
            x[off + i] = (float) (saved + eps);
            double plus = loss.getAsDouble();
            x[off + i] = (float) (saved - eps);
            double minus = loss.getAsDouble();
            x[off + i] = saved;
            double h = ((double) (float) (saved + eps) - (float) (saved - eps));
            compare(what + "[" + i + "]", (plus - minus) / h, grad[gradOff + i], tol, floor);
        }
    }

    private static void compare(String what, double numeric, double analytic, double tol, double floor) {
        double scale = Math.max(Math.max(Math.abs(numeric), Math.abs(analytic)), floor);
        if (!(Math.abs(numeric - analytic) <= tol * scale)) {
            throw new AssertionError(what + ": numeric=" + numeric + ", analytic=" + analytic + ", tol=" + tol
                    + ", scale=" + scale);
        }
    }
}
