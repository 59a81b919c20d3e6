package io.ringclip.trainer.data;

import io.ringclip.models.image.Preprocess;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Encoded test images of one flat colour. */
final class TestImages {

    private TestImages() {}

    /** Resize/crop only: mean 0, std 1, so model input equals pixel values in [0, 1]. */
    static Preprocess unnormalised(int imageSize, int channels) {
        float[] zeros = new float[channels];
        float[] ones = new float[channels];
        java.util.Arrays.fill(ones, 1f);
        return new Preprocess(imageSize, channels, zeros, ones, Preprocess.Interpolation.BILINEAR);
    }

    static byte[] encode(String format, int width, int height, int rgb) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, format, out)) {
            throw new IOException("no writer for " + format);
        }
        return out.toByteArray();
    }
}
