package io.ringclip.trainer.data;

import java.util.Arrays;

/**
 * How pixels in {@code [0, 1]} become model input: resize the shorter side to the image size
 * (bilinear), centre-crop a square, then {@code (x - mean[c]) / std[c]} per channel.
 */
public record ImagePreprocessing(float[] mean, float[] std) {

    /** open_clip's OPENAI_DATASET_MEAN / OPENAI_DATASET_STD (RGB). */
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    public ImagePreprocessing {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException("mean/std length mismatch: mean=" + mean.length + ", std=" + std.length);
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive: std=" + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** CLIP's statistics for RGB; for one channel the mean/std of the RGB values (0.449 / 0.268). */
    public static ImagePreprocessing clip(int channels) {
        return switch (channels) {
            case 3 -> new ImagePreprocessing(CLIP_MEAN, CLIP_STD);
            case 1 -> new ImagePreprocessing(new float[] {average(CLIP_MEAN)}, new float[] {average(CLIP_STD)});
            default -> throw new IllegalArgumentException("unsupported channel count: channels=" + channels);
        };
    }

    /** Pass-through: {@code mean = 0, std = 1}, so model input equals pixel values in [0, 1]. */
    public static ImagePreprocessing identity(int channels) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new ImagePreprocessing(zeros, ones);
    }

    public int channels() {
        return mean.length;
    }

    private static float average(float[] values) {
        float sum = 0;
        for (float v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
