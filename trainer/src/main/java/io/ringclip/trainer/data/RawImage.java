package io.ringclip.trainer.data;

/**
 * Decoded pixels, {@code [channels, height, width]} float32 in {@code [0, 1]}, channel-major
 * (all of channel 0, then channel 1, …). {@code channels} is 1 (grey) or 3 (RGB).
 */
public record RawImage(int width, int height, int channels, float[] pixels) implements ImageData {

    public RawImage {
        if (width <= 0 || height <= 0 || (channels != 1 && channels != 3)) {
            throw new IllegalArgumentException(
                    "bad image shape: width=" + width + ", height=" + height + ", channels=" + channels);
        }
        if (pixels.length != (long) width * height * channels) {
            throw new IllegalArgumentException("pixel count mismatch: expected="
                    + (long) width * height * channels + ", actual=" + pixels.length);
        }
    }

    /** Pixel planes scaled to [0, 255], the input of {@code ImagePreprocessor.apply}. */
    public float[][] planes255() {
        int plane = width * height;
        float[][] planes = new float[channels][plane];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                planes[c][i] = pixels[c * plane + i] * 255f;
            }
        }
        return planes;
    }
}
