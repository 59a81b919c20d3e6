package io.ringclip.models.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Image file → model input, the way open_clip's {@code image_transform} does it for eval:
 * decode (PNG, JPEG, BMP, GIF… whatever {@code javax.imageio} reads) → the model's channels →
 * resize the shorter side to S ({@link Resampler}, PIL-style filters) → center crop S × S →
 * scale to [0, 1] → normalise per channel. Output: float[C·S·S], channel-major (C, H, W).
 * Stateless and thread-safe; decoding threads call it in parallel.
 */
public final class ImagePreprocessor {

    private final Preprocess config;

    public ImagePreprocessor(Preprocess config) {
        this.config = config;
    }

    public Preprocess config() {
        return config;
    }

    public float[] load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return decode(bytes);
        } catch (ImageDecodeException e) {
            throw new ImageDecodeException(e.getMessage() + ", file=" + file, e.getCause());
        }
    }

    /** Decodes an encoded image; a corrupt or unsupported one throws {@link ImageDecodeException}. */
    public float[] decode(byte[] encoded) throws ImageDecodeException {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(encoded));
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data as IIOException, but also as IllegalArgumentException,
            // ArrayIndexOutOfBoundsException and friends from inside the codecs.
            throw new ImageDecodeException("corrupt image: bytes=" + encoded.length + ", cause=" + e, e);
        }
        if (image == null) {
            throw new ImageDecodeException("unrecognised image format (javax.imageio reads PNG, JPEG, BMP, GIF, WBMP, TIFF): bytes="
                    + encoded.length, null);
        }
        return apply(image);
    }

    public float[] apply(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        return apply(planes(image), w, h);
    }

    /**
     * Raw pixel planes → model input. {@code planes[c]} is row-major h × w with values in
     * [0, 255]; one plane (grey) or three (R, G, B), converted to the model's channel count.
     */
    public float[] apply(float[][] planes, int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("empty image: width=" + width + ", height=" + height);
        }
        float[][] src = toChannels(planes, config.channels());
        int size = config.imageSize();
        // Shorter side → size, longer side scaled and truncated (torchvision's Resize(int)).
        int newW = width <= height ? size : (int) ((long) size * width / height);
        int newH = width <= height ? (int) ((long) size * height / width) : size;
        int left = (int) Math.rint((newW - size) / 2.0); // round half to even, as torchvision's CenterCrop
        int top = (int) Math.rint((newH - size) / 2.0);
        Resampler.Taps[] cols = Resampler.taps(width, newW, left, size, config.interpolation());
        Resampler.Taps[] rows = Resampler.taps(height, newH, top, size, config.interpolation());

        float[] mean = config.mean();
        float[] std = config.std();
        float[] out = new float[config.pixelsPerImage()];
        int plane = size * size;
        for (int c = 0; c < src.length; c++) {
            if (src[c].length != width * height) {
                throw new IllegalArgumentException("plane size does not match the image: plane=" + c
                        + ", length=" + src[c].length + ", width=" + width + ", height=" + height);
            }
            float[] resized = Resampler.resample(src[c], width, height, cols, rows);
            for (int i = 0; i < plane; i++) {
                // Bicubic overshoots; clip to the pixel range as PIL does.
                float v = Math.min(255f, Math.max(0f, resized[i])) / 255f;
                out[c * plane + i] = (v - mean[c]) / std[c];
            }
        }
        return out;
    }

    /** Pixel planes in [0, 255]: raw samples for grey images, sRGB components otherwise. */
    static float[][] planes(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getColorModel() instanceof ComponentColorModel cm
                && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Read grey samples directly: getRGB() would push them through a linear→sRGB
            // conversion and brighten them.
            Raster raster = image.getRaster();
            float max = (1 << cm.getComponentSize(0)) - 1;
            float[] grey = new float[w * h];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    grey[y * w + x] = row[x] * (255f / max);
                }
            }
            return new float[][] {grey};
        }
        if (image.getColorModel() instanceof ComponentColorModel || image.getColorModel() instanceof DirectColorModel) {
            ColorModel cm = image.getColorModel();
            if (cm.getColorSpace().isCS_sRGB() && cm.getNumColorComponents() == 3 && allComponents8Bit(cm)
                    && !cm.isAlphaPremultiplied()) {
                return rgbSamples(image.getRaster(), w, h);
            }
        }
        return rgbViaColorModel(image);
    }

    private static boolean allComponents8Bit(ColorModel cm) {
        for (int c = 0; c < 3; c++) {
            if (cm.getComponentSize(c) != 8) {
                return false;
            }
        }
        return true;
    }

    /**
     * Fast path for 8-bit sRGB images (what the JPEG/PNG/BMP readers return): raster bands 0, 1, 2
     * are R, G, B in colour-model order whatever the byte layout, so samples are read in bulk.
     */
    static float[][] rgbSamples(Raster raster, int w, int h) {
        float[][] planes = new float[3][w * h];
        int[] row = new int[w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, c, row);
                for (int x = 0; x < w; x++) {
                    planes[c][y * w + x] = row[x];
                }
            }
        }
        return planes;
    }

    /** Reference path for any other image (palettes, 16-bit, other colour spaces): sRGB via {@code getRGB}. */
    static float[][] rgbViaColorModel(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] r = new float[w * h];
        float[] g = new float[w * h];
        float[] b = new float[w * h];
        int[] argb = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, argb, 0, w); // alpha is dropped, as PIL's convert("RGB") does
            for (int x = 0; x < w; x++) {
                int p = argb[x];
                r[y * w + x] = (p >> 16) & 0xFF;
                g[y * w + x] = (p >> 8) & 0xFF;
                b[y * w + x] = p & 0xFF;
            }
        }
        return new float[][] {r, g, b};
    }

    /** 1 → 3 replicates; 3 → 1 is ITU-R 601-2 luma (PIL's "L": 0.299 R + 0.587 G + 0.114 B). */
    static float[][] toChannels(float[][] planes, int channels) {
        if (planes.length == channels) {
            return planes;
        }
        if (planes.length == 1 && channels == 3) {
            return new float[][] {planes[0], planes[0], planes[0]};
        }
        if (planes.length == 3 && channels == 1) {
            float[] luma = new float[planes[0].length];
            for (int i = 0; i < luma.length; i++) {
                luma[i] = 0.299f * planes[0][i] + 0.587f * planes[1][i] + 0.114f * planes[2][i];
            }
            return new float[][] {luma};
        }
        throw new IllegalArgumentException("cannot convert channels: from=" + planes.length + ", to=" + channels);
    }
}
