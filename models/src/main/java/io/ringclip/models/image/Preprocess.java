package io.ringclip.models.image;

import io.ringclip.models.io.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an image becomes model input, fixed per model: resize the shorter side to
 * {@code imageSize} with {@code interpolation}, center-crop to imageSize × imageSize, scale to
 * [0, 1], then {@code (x - mean[c]) / std[c]} per channel. Output layout: float[C·H·W], C order.
 *
 * @param channels 1 (grayscale; colour input is converted with ITU-R 601 luma, as PIL's "L")
 *                 or 3 (RGB; grayscale input is replicated)
 */
public record Preprocess(int imageSize, int channels, float[] mean, float[] std, Interpolation interpolation) {

    /** OpenAI CLIP's RGB statistics (open_clip's OPENAI_DATASET_MEAN/STD). */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    /** Fashion-MNIST pixel statistics (training set, pixels scaled to [0, 1]). */
    public static final float[] FASHION_MNIST_MEAN = {0.2860f};
    public static final float[] FASHION_MNIST_STD = {0.3530f};

    public enum Interpolation {
        /** Keys cubic, a = -0.5, support 2 (PIL's BICUBIC; CLIP's preprocessing). */
        BICUBIC,
        /** Triangle filter, support 1 (PIL's BILINEAR). */
        BILINEAR
    }

    public Preprocess {
        if (imageSize < 1) {
            throw new IllegalArgumentException("imageSize must be >= 1: imageSize=" + imageSize);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 or 3: channels=" + channels);
        }
        if (mean.length != channels || std.length != channels) {
            throw new IllegalArgumentException("mean/std need one value per channel: channels=" + channels
                    + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std));
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be > 0: std=" + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
        if (interpolation == null) {
            throw new IllegalArgumentException("interpolation must be set");
        }
    }

    /** CLIP's RGB preprocessing: bicubic, OpenAI mean/std. */
    public static Preprocess clip(int imageSize) {
        return new Preprocess(imageSize, 3, CLIP_MEAN, CLIP_STD, Interpolation.BICUBIC);
    }

    /** One channel, bicubic, Fashion-MNIST mean/std. */
    public static Preprocess grayscale(int imageSize) {
        return new Preprocess(imageSize, 1, FASHION_MNIST_MEAN, FASHION_MNIST_STD, Interpolation.BICUBIC);
    }

    /** The default for a model with {@code channels} input channels: {@link #clip} or {@link #grayscale}. */
    public static Preprocess forChannels(int imageSize, int channels) {
        return channels == 1 ? grayscale(imageSize) : clip(imageSize);
    }

    /** {"imageSize": 28, "channels": 1, "mean": [0.286], "std": [0.353], "interpolation": "bicubic"} */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("imageSize", imageSize);
        m.put("channels", channels);
        m.put("mean", mean.clone());
        m.put("std", std.clone());
        m.put("interpolation", interpolation.name().toLowerCase(Locale.ROOT));
        return m;
    }

    /** Parses {@link #toJson()}; a missing key or a bad value is an error naming the key. */
    public static Preprocess fromJson(Map<String, Object> json) {
        String interpolation = Json.getString(json, "interpolation");
        try {
            return new Preprocess(Json.getInt(json, "imageSize"), Json.getInt(json, "channels"),
                    floats(Json.getList(json, "mean"), "mean"), floats(Json.getList(json, "std"), "std"),
                    Interpolation.valueOf(interpolation.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad preprocess config: " + e.getMessage(), e);
        }
    }

    private static float[] floats(List<Object> values, String key) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(values.get(i) instanceof Number n)) {
                throw new IllegalArgumentException("expected numbers: key=" + key + ", value=" + Json.write(values));
            }
            out[i] = n.floatValue();
        }
        return out;
    }

    /** Elements of one preprocessed image: C·H·W. */
    public int pixelsPerImage() {
        return channels * imageSize * imageSize;
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocess p && p.imageSize == imageSize && p.channels == channels
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std) && p.interpolation == interpolation;
    }

    @Override
    public int hashCode() {
        return ((imageSize * 31 + channels) * 31 + Arrays.hashCode(mean)) * 31 + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Preprocess[imageSize=" + imageSize + ", channels=" + channels + ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) + ", interpolation=" + interpolation + "]";
    }
}
