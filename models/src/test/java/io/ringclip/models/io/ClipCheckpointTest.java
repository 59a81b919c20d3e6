package io.ringclip.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.models.image.Preprocess;
import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.LossKind;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tensor.ParameterView;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.models.tokenizer.BpeTrainer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipCheckpointTest {

    /** Small enough to build in milliseconds; 1 layer per tower. */
    static final ModelConfig MICRO = new ModelConfig(16, 1, 4, 32, 1, 2, 2, 530, 8, 32, 1, 2, 16);

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripEveryParameterAndTheConfig() throws IOException {
        for (LossKind kind : LossKind.values()) {
            ClipModel model = ClipModel.create(MICRO, kind, 42);
            Path ckpt = dir.resolve(kind.name());
            BpeTokenizer tok = BpeTrainer.train(List.of("a red dog", "a red cat", "a blue dog"), 520);
            ClipCheckpoint.save(model, tok, null, ckpt);

            ClipModel loaded = ClipCheckpoint.load(ckpt);
            assertEquals(MICRO, loaded.config());
            assertEquals(kind, loaded.lossKind());
            assertArrayEquals(model.arena().values(), loaded.arena().values());
            assertEquals(tok.vocabSize(), ClipCheckpoint.tokenizer(ckpt).orElseThrow().vocabSize());
            Map<String, Object> config = CheckpointFiles.readConfig(ckpt);
            assertEquals(kind.name().toLowerCase(), config.get("loss"));
        }
    }

    @Test
    void shouldReadTheTrainersConfigWithoutAFormatKey() throws IOException {
        ClipModel model = ClipModel.create(MICRO, LossKind.SIGLIP, 8);
        ClipCheckpoint.save(model, null, null, dir);
        // What TrainingCheckpoint writes: no "format", plus the model's name.
        CheckpointFiles.writeConfig(dir, Map.of("model_name", "micro", "loss", "siglip",
                "model", Json.parseObject(MICRO.toJson())));
        ClipModel loaded = ClipCheckpoint.load(dir);
        assertEquals(LossKind.SIGLIP, loaded.lossKind());
        assertArrayEquals(model.arena().values(), loaded.arena().values());
        assertTrue(ClipCheckpoint.tokenizer(dir).isEmpty());
    }

    @Test
    void shouldRecordPreprocessingOrFallBackToTheChannelDefault() throws IOException {
        ClipModel model = ClipModel.create(MICRO, LossKind.CLIP, 5);
        Path plain = dir.resolve("plain");
        ClipCheckpoint.save(model, null, null, plain);
        assertEquals(Preprocess.grayscale(16), ClipCheckpoint.preprocess(plain, MICRO));

        Preprocess custom = new Preprocess(16, 1, new float[] {0.5f}, new float[] {0.25f}, Preprocess.Interpolation.BILINEAR);
        Path recorded = dir.resolve("recorded");
        ClipCheckpoint.save(model, null, custom, recorded);
        assertEquals(custom, ClipCheckpoint.preprocess(recorded, MICRO));

        Path mismatched = dir.resolve("mismatched");
        ClipCheckpoint.save(model, null, Preprocess.clip(16), mismatched);
        assertThrows(IOException.class, () -> ClipCheckpoint.preprocess(mismatched, MICRO));
    }

    @Test
    void shouldWriteOpenClipNamesAndShapes() throws IOException {
        ClipModel model = ClipModel.create(MICRO, LossKind.SIGLIP, 1);
        ClipCheckpoint.save(model, null, null, dir);
        try (SafetensorsReader r = SafetensorsReader.open(dir.resolve(CheckpointFiles.WEIGHTS_FILE))) {
            assertEquals(model.arena().views().size(), r.tensors().size());
            for (ParameterView v : model.arena().views()) {
                assertArrayEquals(v.shape(), r.info(v.name()).shape(), v.name());
            }
            assertArrayEquals(new int[] {32, 1, 4, 4}, r.info("visual.conv1.weight").shape());
            assertArrayEquals(new int[] {}, r.info("logit_scale").shape());
            assertArrayEquals(new int[] {530, 32}, r.info("token_embedding.weight").shape());
            assertTrue(r.tensors().containsKey("logit_bias"));
            assertEquals("pt", r.metadata().get("format"));
        }
    }

    @Test
    void shouldLoadForeignOpenClipWeightsAndDetectSiglip() throws IOException {
        ClipModel source = ClipModel.create(MICRO, LossKind.SIGLIP, 7);
        Path file = dir.resolve("open_clip.safetensors");
        // As a foreign writer would: no checksum, tensors in a different order.
        List<TensorSlice> slices = new ArrayList<>(ClipCheckpoint.slices(source.arena()));
        java.util.Collections.reverse(slices);
        writeWithoutChecksum(file, slices);
        ClipModel loaded = ClipCheckpoint.loadOpenClipWeights(MICRO, file);
        assertEquals(LossKind.SIGLIP, loaded.lossKind());
        assertArrayEquals(source.arena().values(), loaded.arena().values());
    }

    @Test
    void shouldRefuseACheckpointOfAnotherShape() throws IOException {
        ClipModel model = ClipModel.create(MICRO, LossKind.CLIP, 3);
        ClipCheckpoint.save(model, null, null, dir);
        ModelConfig wider = new ModelConfig(16, 1, 4, 64, 1, 2, 2, 530, 8, 32, 1, 2, 16);
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> ClipCheckpoint.loadOpenClipWeights(wider, dir.resolve(CheckpointFiles.WEIGHTS_FILE)));
        assertTrue(e.getMessage().contains("wrongShape=") && e.getMessage().contains("visual.conv1.weight"), e.getMessage());

        Files.writeString(dir.resolve(CheckpointFiles.CONFIG_FILE), "{\"format\": \"other\"}");
        IOException bad = assertThrows(IOException.class, () -> ClipCheckpoint.load(dir));
        assertTrue(bad.getMessage().contains("format=other"), bad.getMessage());
    }

    @Test
    void shouldRefuseCorruptWeights() throws IOException {
        ClipCheckpoint.save(ClipModel.create(MICRO, LossKind.CLIP, 3), null, null, dir);
        Path weights = dir.resolve(CheckpointFiles.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        bytes[bytes.length / 2] ^= 1;
        Files.write(weights, bytes);
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> ClipCheckpoint.load(dir));
        assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    }

    /** What a foreign writer produces: {@link Safetensors#write}'s layout with no {@code __metadata__} (so no checksum). */
    private static void writeWithoutChecksum(Path file, List<TensorSlice> slices) throws IOException {
        Safetensors.write(file, slices, Map.of());
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Map<String, Object> header = Json.parseObject(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        header.remove("__metadata__");
        byte[] newHeader = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int dataBytes = bytes.length - 8 - headerLength;
        ByteBuffer out = ByteBuffer.allocate(8 + newHeader.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(newHeader.length).put(newHeader).put(bytes, 8 + headerLength, dataBytes);
        Files.write(file, out.array());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertFalse(r.hasChecksum());
        }
    }
}
