package io.ringclip.trainer.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Decodes JPEG/PNG/BMP/GIF bytes with {@code javax.imageio} into a {@link RawImage}: 1 channel
 * for grey images, 3 (RGB, alpha dropped) otherwise. Anything unreadable becomes a
 * {@link BadSampleException}, never another exception type.
 */
public final class ImageDecoder {

    static {
        // Decode from memory; never spill to temporary files.
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {}

    public static RawImage decode(EncodedImage encoded) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(encoded.bytes()));
        } catch (IOException | RuntimeException e) {
            throw new BadSampleException("undecodable image: origin=" + encoded.origin() + ", error=" + e, e);
        }
        if (image == null) {
            throw new BadSampleException("unrecognised image format: origin=" + encoded.origin()
                    + ", bytes=" + encoded.bytes().length);
        }
        return toRaw(image);
    }

    static RawImage toRaw(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int plane = w * h;
        if (image.getColorModel().getNumColorComponents() == 1) {
            // Read grey samples from the raster: getRGB() would push them through a linear→sRGB
            // conversion and change the values.
            int[] samples = image.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            float max = (1 << image.getSampleModel().getSampleSize(0)) - 1;
            float[] pixels = new float[plane];
            for (int i = 0; i < plane; i++) {
                pixels[i] = samples[i] / max;
            }
            return new RawImage(w, h, 1, pixels);
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        float[] pixels = new float[plane * 3];
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            pixels[i] = ((p >>> 16) & 0xFF) / 255f;
            pixels[plane + i] = ((p >>> 8) & 0xFF) / 255f;
            pixels[2 * plane + i] = (p & 0xFF) / 255f;
        }
        return new RawImage(w, h, 3, pixels);
    }
}
