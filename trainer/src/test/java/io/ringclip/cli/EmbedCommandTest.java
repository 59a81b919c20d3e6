package io.ringclip.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.models.image.ImagePreprocessor;
import io.ringclip.models.image.Preprocess;
import io.ringclip.models.io.CheckpointFiles;
import io.ringclip.models.io.ClipCheckpoint;
import io.ringclip.models.io.Json;
import io.ringclip.models.io.Npy;
import io.ringclip.models.io.Safetensors;
import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.LossKind;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.models.tokenizer.BpeTrainer;
import io.ringclip.trainer.checkpoint.CheckpointLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbedCommandTest {

    /** A tiny random model: 16×16 grey images, 1 layer per tower, E = 16. */
    private static final ModelConfig MICRO = new ModelConfig(16, 1, 4, 32, 1, 2, 2, 530, 8, 32, 1, 2, 16);
    private static final List<String> CAPTIONS = List.of("a photo of a red dog", "a blue cat on a table",
            "Ünïcödé caption 🙂", "", "a very long caption that will certainly be truncated to eight tokens");
    private static final float TOLERANCE = 1e-5f;
    /** Recorded in the checkpoint: not the 1-channel default, so the test sees that embed uses it. */
    private static final Preprocess PREPROCESS = new Preprocess(16, 1, new float[] {0.5f}, new float[] {0.2f},
            Preprocess.Interpolation.BILINEAR);

    @TempDir
    Path tmp;

    private ClipModel model;
    private BpeTokenizer tokenizer;
    private Path checkpoint;
    private Path imageDir;
    private Path captions;

    @BeforeEach
    void writeCheckpointImagesAndCaptions() throws IOException {
        model = ClipModel.create(MICRO, LossKind.CLIP, 11);
        tokenizer = BpeTrainer.train(List.of("a photo of a red dog", "a photo of a blue cat", "a red cat on a table"), 525);
        checkpoint = tmp.resolve("ckpt");
        ClipCheckpoint.save(model, tokenizer, PREPROCESS, checkpoint);

        imageDir = Files.createDirectories(tmp.resolve("images"));
        Random rnd = new Random(5);
        int[][] sizes = {{16, 16}, {20, 24}, {31, 17}, {16, 16}, {40, 16}};
        for (int i = 0; i < sizes.length; i++) {
            BufferedImage img = new BufferedImage(sizes[i][0], sizes[i][1],
                    i % 2 == 0 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < img.getHeight(); y++) {
                for (int x = 0; x < img.getWidth(); x++) {
                    img.setRGB(x, y, rnd.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, i == 3 ? "bmp" : "png", imageDir.resolve(String.format("img-%02d.%s", 4 - i, i == 3 ? "bmp" : "png")).toFile());
        }
        Files.writeString(imageDir.resolve("README.txt"), "not an image");
        captions = Files.write(tmp.resolve("captions.txt"), CAPTIONS);
    }

    @Test
    void shouldEmbedImageFilesAndCaptionsLikeTheModel() throws IOException {
        Path out = tmp.resolve("out");
        assertEquals(0, RingclipMain.run("embed", "--checkpoint", checkpoint.toString(), "--images", imageDir.toString(),
                "--texts", captions.toString(), "--out", out.toString(), "--batch-size", "2"));

        List<Path> files = EmbedCommand.listImages(imageDir);
        assertEquals(5, files.size());
        assertEquals(files.stream().map(p -> p.getFileName().toString()).toList(),
                Files.readAllLines(out.resolve(EmbedCommand.IMAGE_FILES)));
        ImagePreprocessor pre = new ImagePreprocessor(PREPROCESS);
        float[] pixels = new float[files.size() * MICRO.imageElements()];
        for (int i = 0; i < files.size(); i++) {
            System.arraycopy(pre.load(files.get(i)), 0, pixels, i * MICRO.imageElements(), MICRO.imageElements());
        }
        Npy.Float32 images = Npy.readFloat32(out.resolve(EmbedCommand.IMAGE_EMBEDDINGS));
        assertArrayEquals(new int[] {5, 16}, images.shape());
        assertArrayEquals(model.encodeImages(pixels, 5), images.data(), TOLERANCE);
        assertUnitRows(images);

        int[] tokens = new int[CAPTIONS.size() * 8];
        for (int i = 0; i < CAPTIONS.size(); i++) {
            System.arraycopy(tokenizer.encode(CAPTIONS.get(i), 8), 0, tokens, i * 8, 8);
        }
        Npy.Float32 texts = Npy.readFloat32(out.resolve(EmbedCommand.TEXT_EMBEDDINGS));
        assertArrayEquals(new int[] {5, 16}, texts.shape());
        assertArrayEquals(model.encodeTexts(tokens, 5), texts.data(), TOLERANCE);
        assertUnitRows(texts);
    }

    @Test
    void shouldEmbedPreprocessedPixelsAndTokenIdsWithOpenClipWeights() throws IOException {
        ModelConfig tiny = ModelConfig.named("tiny");
        ClipModel source = ClipModel.create(tiny, LossKind.CLIP, 3);
        Path weights = tmp.resolve("tiny.safetensors");
        Safetensors.write(weights, ClipCheckpoint.slices(source.arena()), Map.of());

        Random rnd = new Random(2);
        float[] pixels = new float[3 * tiny.imageElements()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) rnd.nextGaussian();
        }
        Path npy = tmp.resolve("pixels.npy");
        Npy.writeFloat32(npy, pixels, 3, tiny.channels(), tiny.imageSize(), tiny.imageSize());
        int sot = tiny.vocabSize() - 2;
        int eot = tiny.vocabSize() - 1;
        Path ids = Files.writeString(tmp.resolve("ids.txt"), sot + " 5 6 7 " + eot + "\n" + sot + " " + eot + " 0 0\n");
        int[] tokens = new int[2 * tiny.contextLength()];
        int[] first = {sot, 5, 6, 7, eot};
        System.arraycopy(first, 0, tokens, 0, first.length);
        tokens[tiny.contextLength()] = sot;
        tokens[tiny.contextLength() + 1] = eot;

        Path out = tmp.resolve("out");
        assertEquals(0, RingclipMain.run("embed", "--model", "tiny", "--weights", weights.toString(),
                "--images", npy.toString(), "--token-ids", ids.toString(), "--out", out.toString(), "--batch-size", "2"));
        Npy.Float32 images = Npy.readFloat32(out.resolve(EmbedCommand.IMAGE_EMBEDDINGS));
        assertArrayEquals(new int[] {3, tiny.embedDim()}, images.shape());
        assertArrayEquals(source.encodeImages(pixels, 3), images.data(), TOLERANCE);
        Npy.Float32 texts = Npy.readFloat32(out.resolve(EmbedCommand.TEXT_EMBEDDINGS));
        assertArrayEquals(new int[] {2, tiny.embedDim()}, texts.shape());
        assertArrayEquals(source.encodeTexts(tokens, 2), texts.data(), TOLERANCE);
        assertUnitRows(images);
        assertUnitRows(texts);
    }

    @Test
    void shouldFollowARunDirectorysLatestPointer() throws IOException {
        Path run = tmp.resolve("run");
        CheckpointLayout layout = new CheckpointLayout(run);
        Path staging = layout.begin(300);
        ClipCheckpoint.save(model, tokenizer, null, staging);
        // config.json as the trainer's TrainingCheckpoint writes it: no "format", the model's name.
        CheckpointFiles.writeConfig(staging, Map.of("model_name", "micro", "loss", "clip",
                "model", Json.parseObject(MICRO.toJson())));
        Path committed = layout.commit(staging, 300);
        assertEquals(committed, EmbedCommand.resolveCheckpoint(run));
        assertEquals(committed, EmbedCommand.resolveCheckpoint(layout.root()));
        assertEquals(committed, EmbedCommand.resolveCheckpoint(layout.root().resolve(CheckpointLayout.LATEST)));
        assertEquals(checkpoint, EmbedCommand.resolveCheckpoint(checkpoint));
        assertThrows(IOException.class, () -> EmbedCommand.resolveCheckpoint(tmp.resolve("images")));
        assertEquals(0, RingclipMain.run("embed", "--checkpoint", run.toString(), "--texts", captions.toString(),
                "--out", tmp.resolve("out").toString()));
        assertTrue(Files.exists(tmp.resolve("out").resolve(EmbedCommand.TEXT_EMBEDDINGS)));
    }

    @Test
    void shouldFailClearlyOnBadArguments() throws IOException {
        String ckpt = checkpoint.toString();
        String out = tmp.resolve("out").toString();
        assertNotEquals(0, RingclipMain.run("embed", "--images", imageDir.toString(), "--out", out));
        assertNotEquals(0, RingclipMain.run("embed", "--checkpoint", ckpt, "--out", out));
        assertNotEquals(0, RingclipMain.run("embed", "--checkpoint", ckpt, "--texts", captions.toString(),
                "--token-ids", captions.toString(), "--out", out));
        Path badIds = Files.writeString(tmp.resolve("bad.txt"), "528 9999\n");
        assertNotEquals(0, RingclipMain.run("embed", "--checkpoint", ckpt, "--token-ids", badIds.toString(), "--out", out));
        Path wrongShape = tmp.resolve("wrong.npy");
        Npy.writeFloat32(wrongShape, new float[2 * 3 * 16 * 16], 2, 3, 16, 16);
        assertNotEquals(0, RingclipMain.run("embed", "--checkpoint", ckpt, "--images", wrongShape.toString(), "--out", out));
        assertFalse(Files.exists(tmp.resolve("out").resolve(EmbedCommand.IMAGE_EMBEDDINGS)));
    }

    @Test
    void shouldNameACorruptImageFile() throws IOException {
        Files.write(imageDir.resolve("img-99.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertEquals(1, RingclipMain.run("embed", "--checkpoint", checkpoint.toString(), "--images", imageDir.toString(),
                    "--out", tmp.resolve("out").toString()));
        } finally {
            System.setErr(saved);
        }
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("img-99.png"), err.toString());
    }

    private static void assertUnitRows(Npy.Float32 a) {
        int e = a.shape()[1];
        for (int r = 0; r < a.shape()[0]; r++) {
            double sum = 0;
            for (int j = 0; j < e; j++) {
                sum += a.data()[r * e + j] * a.data()[r * e + j];
            }
            assertEquals(1.0, Math.sqrt(sum), 1e-4, "row " + r);
        }
    }
}
