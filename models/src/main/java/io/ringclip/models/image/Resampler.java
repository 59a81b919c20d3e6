package io.ringclip.models.image;

/**
 * Separable resampling as PIL's {@code ImagingResample} does it: each output pixel is a
 * normalised, filter-weighted sum of the input pixels within the filter's support, and when
 * shrinking the support is stretched by the scale factor (antialiasing) so every input pixel
 * contributes. Unlike PIL on 8-bit images, values stay float between the two passes (no
 * rounding to uint8), so results differ from PIL by at most about one grey level.
 *
 * <p>Only a window {@code [first, first + count)} of the resized axis is computed: resize and
 * center-crop cost as much as producing the crop.
 */
final class Resampler {

    /** Weights of one output pixel: input pixels {@code [start, start + weights.length)}. */
    record Taps(int start, float[] weights) {}

    private Resampler() {}

    /**
     * Taps for output pixels {@code first..first+count-1} of an axis resized from {@code inLen}
     * to {@code outLen} pixels.
     */
    static Taps[] taps(int inLen, int outLen, int first, int count, Preprocess.Interpolation filter) {
        double scale = (double) inLen / outLen;
        double filterScale = Math.max(scale, 1.0);
        double support = support(filter) * filterScale;
        Taps[] taps = new Taps[count];
        for (int i = 0; i < count; i++) {
            double center = (first + i + 0.5) * scale;
            int lo = Math.max(0, (int) (center - support + 0.5));
            int hi = Math.min(inLen, (int) (center + support + 0.5));
            double[] w = new double[Math.max(0, hi - lo)];
            double sum = 0;
            for (int x = lo; x < hi; x++) {
                w[x - lo] = kernel(filter, (x - center + 0.5) / filterScale);
                sum += w[x - lo];
            }
            float[] weights = new float[w.length];
            for (int k = 0; k < w.length; k++) {
                weights[k] = (float) (sum == 0 ? 0 : w[k] / sum);
            }
            taps[i] = new Taps(lo, weights);
        }
        return taps;
    }

    static double support(Preprocess.Interpolation filter) {
        return filter == Preprocess.Interpolation.BICUBIC ? 2.0 : 1.0;
    }

    static double kernel(Preprocess.Interpolation filter, double x) {
        x = Math.abs(x);
        if (filter == Preprocess.Interpolation.BILINEAR) {
            return x < 1 ? 1 - x : 0;
        }
        double a = -0.5;
        if (x < 1) {
            return ((a + 2) * x - (a + 3)) * x * x + 1;
        }
        if (x < 2) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0;
    }

    /**
     * One plane {@code in[h][w]} (row-major, length h·w) → {@code out[rows.length][cols.length]}:
     * horizontal pass over every input row, then vertical.
     */
    static float[] resample(float[] in, int w, int h, Taps[] cols, Taps[] rows) {
        int outW = cols.length;
        float[] tmp = new float[h * outW];
        for (int y = 0; y < h; y++) {
            int rowBase = y * w;
            for (int x = 0; x < outW; x++) {
                Taps t = cols[x];
                float[] k = t.weights();
                float acc = 0;
                for (int j = 0; j < k.length; j++) {
                    acc += k[j] * in[rowBase + t.start() + j];
                }
                tmp[y * outW + x] = acc;
            }
        }
        float[] out = new float[rows.length * outW];
        for (int y = 0; y < rows.length; y++) {
            Taps t = rows[y];
            float[] k = t.weights();
            for (int j = 0; j < k.length; j++) {
                float kj = k[j];
                int src = (t.start() + j) * outW;
                int dst = y * outW;
                for (int x = 0; x < outW; x++) {
                    out[dst + x] += kj * tmp[src + x];
                }
            }
        }
        return out;
    }
}
