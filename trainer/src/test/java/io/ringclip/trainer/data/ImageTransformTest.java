package io.ringclip.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ImageTransformTest {

    @Test
    void shouldNormaliseWithoutResamplingWhenSizesMatch() {
        float[] pixels = {0.0f, 0.5f, 1.0f, 0.25f};
        ImageTransform transform = new ImageTransform(2, 1,
                new ImagePreprocessing(new float[] {0.5f}, new float[] {0.25f}));
        float[] out = new float[5];
        transform.apply(new RawImage(2, 2, 1, pixels), out, 1);
        assertArrayEquals(new float[] {0, -2, 0, 2, -1}, out, 1e-6f);
    }

    @Test
    void shouldResizeTheShorterSideAndCentreCrop() {
        // 4 wide × 2 high, columns 0..3 valued 0, 1, 2, 3: scale 1 to size 2 keeps columns 1 and 2.
        float[] pixels = {0, 1, 2, 3, 0, 1, 2, 3};
        float[] out = new float[4];
        new ImageTransform(2, 1, ImagePreprocessing.identity(1)).apply(new RawImage(4, 2, 1, pixels), out, 0);
        assertArrayEquals(new float[] {1, 2, 1, 2}, out, 1e-6f);

        // 2×2 → 4×4 bilinear upsample: the source pixel centres sit at output 0.5 and 2.5 (half-pixel rule).
        float[] up = new float[16];
        new ImageTransform(4, 1, ImagePreprocessing.identity(1))
                .apply(new RawImage(2, 2, 1, new float[] {0, 1, 0, 1}), up, 0);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, java.util.Arrays.copyOf(up, 4), 1e-6f);
    }

    @Test
    void shouldConvertBetweenGreyAndRgb() {
        RawImage grey = new RawImage(1, 1, 1, new float[] {0.4f});
        assertArrayEquals(new float[] {0.4f, 0.4f, 0.4f}, ImageTransform.convertChannels(grey, 3).pixels());
        RawImage rgb = new RawImage(1, 1, 3, new float[] {1, 0, 0});
        assertEquals(0.299f, ImageTransform.convertChannels(rgb, 1).pixels()[0], 1e-6f);
    }

    @Test
    void shouldFeedFashionMnistSizedGreyImagesToAnRgbModel() {
        float[] pixels = new float[28 * 28];
        java.util.Arrays.fill(pixels, 0.5f);
        float[] out = new float[3 * 32 * 32];
        new ImageTransform(32, 3, ImagePreprocessing.clip(3)).apply(new RawImage(28, 28, 1, pixels), out, 0);
        assertEquals((0.5f - 0.48145466f) / 0.26862954f, out[0], 1e-5f);
        assertEquals((0.5f - 0.40821073f) / 0.27577711f, out[3 * 32 * 32 - 1], 1e-5f);
    }
}
