package io.ringclip.trainer.data;

/**
 * Turns a {@link RawImage} of any size and channel count into one model-input sample
 * {@code [C, S, S]}: channel conversion, shorter-side bilinear resize to S, centre crop,
 * normalisation. Stateless and thread-safe.
 */
public final class ImageTransform {

    private final int size;
    private final int channels;
    private final ImagePreprocessing preprocessing;

    public ImageTransform(int size, int channels, ImagePreprocessing preprocessing) {
        if (size <= 0 || preprocessing.channels() != channels) {
            throw new IllegalArgumentException("bad image transform: size=" + size + ", channels=" + channels
                    + ", preprocessingChannels=" + preprocessing.channels());
        }
        this.size = size;
        this.channels = channels;
        this.preprocessing = preprocessing;
    }

    /** Floats per output sample: {@code C × S × S}. */
    public int sampleLength() {
        return channels * size * size;
    }

    /** Writes the sample into {@code out[offset, offset + sampleLength())}. */
    public void apply(RawImage image, float[] out, int offset) {
        RawImage converted = convertChannels(image, channels);
        // Scale so that the shorter side becomes `size`, then take the central size × size window.
        double scale = (double) size / Math.min(converted.width(), converted.height());
        double cropX = (converted.width() * scale - size) / 2;
        double cropY = (converted.height() * scale - size) / 2;
        boolean identity = converted.width() == size && converted.height() == size;
        int plane = size * size;
        for (int c = 0; c < channels; c++) {
            float mean = preprocessing.mean()[c];
            float invStd = 1f / preprocessing.std()[c];
            int outPlane = offset + c * plane;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    float v = identity
                            ? converted.pixels()[c * plane + y * size + x]
                            : bilinear(converted, c, (x + cropX + 0.5) / scale - 0.5, (y + cropY + 0.5) / scale - 0.5);
                    out[outPlane + y * size + x] = (v - mean) * invStd;
                }
            }
        }
    }

    /** Grey → RGB replicates the plane; RGB → grey uses ITU-R BT.601 luma weights. */
    static RawImage convertChannels(RawImage image, int channels) {
        if (image.channels() == channels) {
            return image;
        }
        int plane = image.width() * image.height();
        float[] src = image.pixels();
        float[] dst = new float[plane * channels];
        if (channels == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(src, 0, dst, c * plane, plane);
            }
        } else {
            for (int i = 0; i < plane; i++) {
                dst[i] = 0.299f * src[i] + 0.587f * src[plane + i] + 0.114f * src[2 * plane + i];
            }
        }
        return new RawImage(image.width(), image.height(), channels, dst);
    }

    /** Bilinear sample of channel c at source coordinates (sx, sy), edges clamped. */
    private static float bilinear(RawImage image, int c, double sx, double sy) {
        int w = image.width();
        int h = image.height();
        double fx = Math.clamp(sx, 0, w - 1);
        double fy = Math.clamp(sy, 0, h - 1);
        int x0 = (int) fx;
        int y0 = (int) fy;
        int x1 = Math.min(x0 + 1, w - 1);
        int y1 = Math.min(y0 + 1, h - 1);
        float ax = (float) (fx - x0);
        float ay = (float) (fy - y0);
        float[] p = image.pixels();
        int base = c * w * h;
        float top = p[base + y0 * w + x0] * (1 - ax) + p[base + y0 * w + x1] * ax;
        float bottom = p[base + y1 * w + x0] * (1 - ax) + p[base + y1 * w + x1] * ax;
        return top * (1 - ay) + bottom * ay;
    }
}
