package io.ringclip.models.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagePreprocessorTest {

    private static final float EXACT = 1e-5f;

    @TempDir
    Path dir;

    private static Preprocess identity(int size, int channels, Preprocess.Interpolation f) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        Arrays.fill(ones, 1f);
        return new Preprocess(size, channels, zeros, ones, f);
    }

    private static BufferedImage rgbPattern(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 17 % 256) << 16 | (y * 29 % 256) << 8 | ((x + y) * 7 % 256));
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no writer for " + format);
        return out.toByteArray();
    }

    @Test
    void shouldNormaliseAnImageAlreadyAtSizeExactlyForLosslessFormats() throws IOException {
        BufferedImage img = rgbPattern(8, 8);
        ImagePreprocessor clip = new ImagePreprocessor(Preprocess.clip(8));
        for (String format : new String[] {"png", "bmp"}) {
            float[] out = clip.decode(encode(img, format));
            assertEquals(3 * 64, out.length);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int p = img.getRGB(x, y);
                    int[] rgb = {(p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF};
                    for (int c = 0; c < 3; c++) {
                        float expected = (rgb[c] / 255f - Preprocess.CLIP_MEAN[c]) / Preprocess.CLIP_STD[c];
                        assertEquals(expected, out[c * 64 + y * 8 + x], EXACT, format + " c=" + c + " y=" + y + " x=" + x);
                    }
                }
            }
        }
    }

    @Test
    void shouldDecodeJpegAndPaletteGifCloseToTheSource() throws IOException {
        BufferedImage flat = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                flat.setRGB(x, y, 0xC08040);
            }
        }
        ImagePreprocessor p = new ImagePreprocessor(identity(16, 3, Preprocess.Interpolation.BICUBIC));
        for (String format : new String[] {"jpg", "gif"}) {
            float[] out = p.decode(encode(flat, format));
            float[] expected = {0xC0 / 255f, 0x80 / 255f, 0x40 / 255f};
            for (int c = 0; c < 3; c++) {
                assertEquals(expected[c], out[c * 256 + 8 * 16 + 8], 4 / 255f, format + " c=" + c);
            }
        }
    }

    @Test
    void shouldReadGreySamplesWithoutGammaAndConvertChannels() throws IOException {
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 2, 0, 128);
        byte[] png = encode(grey, "png");
        float[] one = new ImagePreprocessor(Preprocess.grayscale(4)).decode(png);
        assertEquals((128 / 255f - 0.2860f) / 0.3530f, one[2 * 4 + 1], EXACT);
        assertEquals((0 - 0.2860f) / 0.3530f, one[0], EXACT);
        float[] three = new ImagePreprocessor(identity(4, 3, Preprocess.Interpolation.BILINEAR)).decode(png);
        for (int c = 0; c < 3; c++) {
            assertEquals(128 / 255f, three[c * 16 + 2 * 4 + 1], EXACT);
        }

        BufferedImage grey16 = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(0, 0, 0, 65535);
        float[] wide = new ImagePreprocessor(identity(2, 1, Preprocess.Interpolation.BILINEAR)).decode(encode(grey16, "png"));
        assertArrayEquals(new float[] {1f, 0f, 0f, 0f}, wide, EXACT);

        BufferedImage color = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        color.setRGB(0, 0, 200 << 16 | 100 << 8 | 50);
        float[] luma = new ImagePreprocessor(identity(1, 1, Preprocess.Interpolation.BILINEAR)).apply(color);
        assertEquals((0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f, luma[0], EXACT);
    }

    @Test
    void shouldResizeTheShorterSideAndCropTheCenter() {
        // 40 wide × 20 high, size 10: resized to 20 × 10 (scale 2), crop columns 5..14 of the resized image.
        int w = 40;
        int h = 20;
        float[] plane = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                plane[y * w + x] = x < 20 ? 40f : 200f;
            }
        }
        ImagePreprocessor p = new ImagePreprocessor(identity(10, 1, Preprocess.Interpolation.BILINEAR));
        float[] out = p.apply(new float[][] {plane}, w, h);
        assertEquals(100, out.length);
        for (int y = 0; y < 10; y++) {
            assertEquals(40 / 255f, out[y * 10], EXACT);        // resized column 5: far left of the edge
            assertEquals(200 / 255f, out[y * 10 + 9], EXACT);   // resized column 14
            // The edge sits between resized columns 9 and 10 (crop 4 and 5), symmetric around the middle grey.
            assertEquals(240 / 255f, out[y * 10 + 4] + out[y * 10 + 5], EXACT);
        }
    }

    @Test
    void shouldKeepAConstantImageConstantAtAnyScale() {
        for (Preprocess.Interpolation f : Preprocess.Interpolation.values()) {
            for (int[] wh : new int[][] {{7, 13}, {100, 3}, {3, 3}, {1, 1}, {257, 64}}) {
                float[] plane = new float[wh[0] * wh[1]];
                Arrays.fill(plane, 99f);
                float[] out = new ImagePreprocessor(identity(9, 1, f)).apply(new float[][] {plane}, wh[0], wh[1]);
                for (float v : out) {
                    assertEquals(99 / 255f, v, 1e-5f, f + " " + Arrays.toString(wh));
                }
            }
        }
    }

    /** The bulk raster read against getRGB() for every 8-bit sRGB layout the decoders produce. */
    @Test
    void shouldReadRgbSamplesLikeGetRgbForEveryLayout() throws IOException {
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_INT_BGR,
                BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR};
        BufferedImage pattern = rgbPattern(13, 7);
        for (int type : types) {
            BufferedImage img = new BufferedImage(13, 7, type);
            img.getGraphics().drawImage(pattern, 0, 0, null);
            assertArrayEquals(ImagePreprocessor.rgbViaColorModel(img), ImagePreprocessor.planes(img), "type=" + type);
        }
        for (String format : new String[] {"jpg", "png", "bmp"}) {
            BufferedImage decoded = ImageIO.read(new java.io.ByteArrayInputStream(encode(pattern, format)));
            assertArrayEquals(ImagePreprocessor.rgbViaColorModel(decoded), ImagePreprocessor.planes(decoded), format);
        }
        // Premultiplied alpha takes the reference path, which un-premultiplies.
        BufferedImage pre = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB_PRE);
        pre.setRGB(0, 0, 0x80C08040);
        assertEquals(ImagePreprocessor.rgbViaColorModel(pre)[0][0], ImagePreprocessor.planes(pre)[0][0]);
    }

    @Test
    void shouldUsePilsFilterShapes() {
        // Keys cubic with a = -0.5: 1 at 0, 0 at the integers, 0.5625 at 1/2, -0.0625 at 3/2.
        Preprocess.Interpolation cubic = Preprocess.Interpolation.BICUBIC;
        assertEquals(1.0, Resampler.kernel(cubic, 0), 1e-12);
        assertEquals(0.0, Resampler.kernel(cubic, 1), 1e-12);
        assertEquals(0.5625, Resampler.kernel(cubic, -0.5), 1e-12);
        assertEquals(-0.0625, Resampler.kernel(cubic, 1.5), 1e-12);
        assertEquals(0.0, Resampler.kernel(cubic, 2), 1e-12);
        assertEquals(0.75, Resampler.kernel(Preprocess.Interpolation.BILINEAR, 0.25), 1e-12);
        // Halving with a triangle filter: each output pixel reads 4 inputs, weights 1:3:3:1 (antialiased).
        Resampler.Taps t = Resampler.taps(8, 4, 1, 1, Preprocess.Interpolation.BILINEAR)[0];
        assertEquals(1, t.start());
        assertArrayEquals(new float[] {0.125f, 0.375f, 0.375f, 0.125f}, t.weights(), 1e-7f);
    }

    /** The separable two-pass resampler against a direct 2-D weighted sum with the same filter. */
    @Test
    void shouldMatchADirectTwoDimensionalResampling() {
        Random rnd = new Random(3);
        for (Preprocess.Interpolation f : Preprocess.Interpolation.values()) {
            for (int[] wh : new int[][] {{13, 7}, {5, 31}, {64, 64}, {3, 2}}) {
                int w = wh[0];
                int h = wh[1];
                float[] plane = new float[w * h];
                for (int i = 0; i < plane.length; i++) {
                    plane[i] = rnd.nextInt(256);
                }
                int size = 11;
                float[] fast = new ImagePreprocessor(identity(size, 1, f)).apply(new float[][] {plane}, w, h);
                float[] slow = directResize(plane, w, h, size, f);
                assertArrayEquals(slow, fast, 1e-4f, f + " " + w + "x" + h);
            }
        }
    }

    /** Reference: every output pixel as a 2-D sum over its support, weights = product of 1-D PIL weights. */
    private static float[] directResize(float[] in, int w, int h, int size, Preprocess.Interpolation f) {
        int newW = w <= h ? size : (int) ((long) size * w / h);
        int newH = w <= h ? (int) ((long) size * h / w) : size;
        int left = (int) Math.rint((newW - size) / 2.0);
        int top = (int) Math.rint((newH - size) / 2.0);
        float[] out = new float[size * size];
        for (int oy = 0; oy < size; oy++) {
            double[] wy = weights(h, newH, top + oy, f);
            for (int ox = 0; ox < size; ox++) {
                double[] wx = weights(w, newW, left + ox, f);
                double acc = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        acc += wy[y] * wx[x] * in[y * w + x];
                    }
                }
                out[oy * size + ox] = (float) (Math.min(255, Math.max(0, acc)) / 255);
            }
        }
        return out;
    }

    /** Normalised weights of every input pixel for output pixel {@code o} (zero outside the support). */
    private static double[] weights(int inLen, int outLen, int o, Preprocess.Interpolation f) {
        double scale = (double) inLen / outLen;
        double fs = Math.max(scale, 1);
        double center = (o + 0.5) * scale;
        double support = Resampler.support(f) * fs;
        double[] wts = new double[inLen];
        double sum = 0;
        for (int x = 0; x < inLen; x++) {
            if (x >= (int) (center - support + 0.5) && x < (int) (center + support + 0.5)) {
                wts[x] = Resampler.kernel(f, (x + 0.5 - center) / fs);
                sum += wts[x];
            }
        }
        for (int x = 0; x < inLen; x++) {
            wts[x] /= sum;
        }
        return wts;
    }

    @Test
    void shouldRejectCorruptTruncatedAndUnknownImages() throws IOException {
        ImagePreprocessor p = new ImagePreprocessor(Preprocess.clip(8));
        byte[] png = encode(rgbPattern(32, 32), "png");
        assertThrows(ImageDecodeException.class, () -> p.decode(Arrays.copyOf(png, png.length / 2)));
        byte[] garbage = new byte[200];
        new Random(1).nextBytes(garbage);
        ImageDecodeException unknown = assertThrows(ImageDecodeException.class, () -> p.decode(garbage));
        assertTrue(unknown.getMessage().contains("unrecognised image format"), unknown.getMessage());
        assertThrows(ImageDecodeException.class, () -> p.decode(new byte[0]));

        byte[] header = Arrays.copyOf(png, 60); // valid signature and IHDR, then nothing
        Path file = dir.resolve("broken.png");
        Files.write(file, header);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> p.load(file));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
        assertThrows(IOException.class, () -> p.load(dir.resolve("missing.png")));
    }

    @Test
    void shouldValidateTheConfig() {
        assertThrows(IllegalArgumentException.class, () -> new Preprocess(0, 3, Preprocess.CLIP_MEAN, Preprocess.CLIP_STD,
                Preprocess.Interpolation.BICUBIC));
        assertThrows(IllegalArgumentException.class, () -> new Preprocess(8, 1, Preprocess.CLIP_MEAN, Preprocess.CLIP_STD,
                Preprocess.Interpolation.BICUBIC));
        assertThrows(IllegalArgumentException.class, () -> new Preprocess(8, 1, new float[] {0}, new float[] {0},
                Preprocess.Interpolation.BICUBIC));
        assertEquals(Preprocess.grayscale(28), Preprocess.forChannels(28, 1));
        Preprocess custom = new Preprocess(32, 3, new float[] {0.5f, 0.25f, 0.125f}, new float[] {0.1f, 0.2f, 0.3f},
                Preprocess.Interpolation.BILINEAR);
        assertEquals(custom, Preprocess.fromJson(io.ringclip.models.io.Json.parseObject(
                io.ringclip.models.io.Json.write(custom.toJson()))));
        assertThrows(IllegalArgumentException.class, () -> Preprocess.fromJson(io.ringclip.models.io.Json.parseObject(
                "{\"imageSize\": 8, \"channels\": 1, \"mean\": [0.5], \"std\": [0.5], \"interpolation\": \"lanczos\"}")));
        assertEquals(3 * 224 * 224, Preprocess.forChannels(224, 3).pixelsPerImage());
    }
}
