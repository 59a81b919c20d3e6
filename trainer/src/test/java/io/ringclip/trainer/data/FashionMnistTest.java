package io.ringclip.trainer.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    /** Writes an unsigned-byte idx file with the given dimensions. */
    static byte[] idx(int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(0);
        out.writeByte(0x08);
        out.writeByte(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(data);
        return bytes.toByteArray();
    }

    private static void write(Path path, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(path)) : Files.newOutputStream(path)) {
            out.write(content);
        }
    }

    @Test
    void shouldReadATinyIdxDatasetGzippedOrPlain() throws IOException {
        // 3 images of 2×3 pixels: image i has pixel values i*10 + p.
        byte[] pixels = new byte[3 * 6];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) ((i / 6) * 10 + i % 6);
        }
        write(dir.resolve("t10k-images-idx3-ubyte.gz"), idx(new int[] {3, 2, 3}, pixels), true);
        write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {3}, new byte[] {9, 0, 7}), false);

        try (DataSource source = DataSources.open("fashion-mnist:" + dir, Split.TEST, 28, 1, 0)) {
            assertEquals(3, source.size());
            Example second = source.get(1);
            RawImage image = (RawImage) second.image();
            assertEquals(3, image.width());
            assertEquals(2, image.height());
            assertEquals(1, image.channels());
            assertEquals(15 / 255f, image.pixels()[5], 0f);
            assertEquals(0, second.label());
            assertEquals("a black and white photo of a t-shirt.", second.caption());
            assertEquals("a photo of a ankle boot.", source.caption(0));
            assertEquals(10, source.classNames().size());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void shouldFeedGreyImagesToAnRgbModelThroughTheLoader() throws IOException {
        byte[] pixels = new byte[4 * 28 * 28];
        java.util.Arrays.fill(pixels, (byte) 255);
        write(dir.resolve("t10k-images-idx3-ubyte"), idx(new int[] {4, 28, 28}, pixels), false);
        write(dir.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {4}, new byte[] {1, 2, 3, 4}), false);
        LoaderOptions options = LoaderOptions.builder().batchPerRank(4).image(32, 3).contextLength(48)
                .decodeThreads(1).build();
        try (DataSource source = FashionMnist.open(dir, Split.TEST);
                DataLoader loader = DataLoader.open(source, new ByteTokenizer(), options)) {
            Batch batch = loader.next();
            assertEquals(4 * 3 * 32 * 32, batch.images().length);
            // White, replicated to RGB, normalised with CLIP's statistics per channel.
            float[] mean = io.ringclip.models.image.Preprocess.CLIP_MEAN;
            float[] std = io.ringclip.models.image.Preprocess.CLIP_STD;
            assertEquals((1 - mean[0]) / std[0], batch.images()[0], 1e-5f);
            assertEquals((1 - mean[2]) / std[2], batch.images()[3 * 32 * 32 - 1], 1e-5f);
            assertEquals(java.util.Set.of(1, 2, 3, 4),
                    java.util.Arrays.stream(batch.labels()).boxed().collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    void shouldRejectMissingOrMalformedFilesWithTheirPath() throws IOException {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> FashionMnist.open(dir, Split.TRAIN));
        assertTrue(missing.getMessage().contains("train-images-idx3-ubyte"), missing.getMessage());

        write(dir.resolve("train-images-idx3-ubyte"), idx(new int[] {2, 2, 2}, new byte[5]), false); // truncated
        write(dir.resolve("train-labels-idx1-ubyte"), idx(new int[] {2}, new byte[2]), false);
        UncheckedIOException truncated = assertThrows(UncheckedIOException.class,
                () -> FashionMnist.open(dir, Split.TRAIN));
        assertTrue(truncated.getCause().getMessage().contains("truncated"), truncated.getCause().getMessage());
    }

    @Test
    void shouldReadTheInstalledDebianFiles() {
        Path debian = Path.of(FashionMnist.DEFAULT_DIRECTORY);
        Assumptions.assumeTrue(Files.isRegularFile(debian.resolve("t10k-images-idx3-ubyte.gz")),
                "Debian dataset-fashion-mnist not installed");
        FashionMnist test = FashionMnist.open(debian, Split.TEST);
        assertEquals(10_000, test.size());
        int[] perClass = new int[10];
        for (int i = 0; i < test.size(); i++) {
            perClass[test.get(i).label()]++;
        }
        for (int count : perClass) {
            assertEquals(1000, count); // the test set is balanced
        }
        RawImage first = (RawImage) test.get(0).image();
        assertEquals(28, first.width());
        // The first t10k example is an ankle boot (label 9).
        assertEquals(9, test.get(0).label());
    }
}
