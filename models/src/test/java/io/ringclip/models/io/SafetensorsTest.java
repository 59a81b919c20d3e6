package io.ringclip.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    /** Two open_clip-named tensors that share one arena, plus a scalar, like a model's views. */
    private static List<TensorSlice> arenaSlices(float[] arena) {
        return List.of(
                new TensorSlice("visual.conv1.weight", new int[] {2, 3, 2, 2}, arena, 0),
                new TensorSlice("text_projection", new int[] {4, 3}, arena, 24),
                new TensorSlice("logit_scale", new int[] {}, arena, 36));
    }

    private static float[] ramp(int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (i - n / 2f) * scale;
        }
        return a;
    }

    @Test
    void shouldRoundTripSlicesOfOneArena() throws IOException {
        float[] arena = ramp(37, 0.25f);
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, arenaSlices(arena), Map.of("format", "pt"));

        float[] loaded = new float[37];
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(List.of("visual.conv1.weight", "text_projection", "logit_scale"), List.copyOf(r.tensors().keySet()));
            assertArrayEquals(new int[] {4, 3}, r.info("text_projection").shape());
            assertArrayEquals(new int[] {}, r.info("logit_scale").shape());
            assertEquals("pt", r.metadata().get("format"));
            assertTrue(r.hasChecksum());
            r.loadInto(arenaSlices(loaded), false);
            assertArrayEquals(Arrays.copyOfRange(arena, 24, 36), r.readFloats("text_projection"));
        }
        assertArrayEquals(arena, loaded);
    }

    @Test
    void shouldAlignTheDataSectionAndLeaveNoTempFiles() throws IOException {
        Path file = dir.resolve("a.safetensors");
        Safetensors.write(file, List.of(TensorSlice.of("x", new float[] {1, 2, 3}, 3)), Map.of());
        Safetensors.write(file, List.of(TensorSlice.of("x", new float[] {4, 5, 6}, 3)), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8);
        assertEquals(8 + headerLength + 12, bytes.length);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertArrayEquals(new float[] {4, 5, 6}, r.readAll().get("x"));
        }
    }

    @Test
    void shouldReadF16AndBf16WrittenByOtherTools() throws IOException {
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF. BF16: 1.0 = 0x3F80, -0.5 = 0xBF00, 3.0 = 0x4040.
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x7BFF);
        data.putShort((short) 0x3F80).putShort((short) 0xBF00).putShort((short) 0x4040);
        Path file = dir.resolve("half.safetensors");
        writeRaw(file, "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[6,12]}}", data.array());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertFalse(r.hasChecksum());
            assertArrayEquals(new float[] {1f, -2f, 65504f}, r.readFloats("h"));
            assertArrayEquals(new float[] {1f, -0.5f, 3f}, r.readFloats("b"));
            float[] h = new float[3];
            float[] b = new float[3];
            r.loadInto(List.of(TensorSlice.of("h", h, 3), TensorSlice.of("b", b, 3)), false);
            assertArrayEquals(new float[] {1f, -0.5f, 3f}, b);
        }
    }

    /** A file laid out like the reference serializer's, values converted by NumPy (make_safetensors_fixture.py). */
    @Test
    void shouldReadAReferenceFileWithMixedDtypesAndSubnormals() throws Exception {
        Path file = Path.of(SafetensorsTest.class.getResource("reference_mixed.safetensors").toURI());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(Map.of("format", "pt"), r.metadata());
            assertEquals(DType.F16, r.info("token_embedding.weight").dtype());
            float[] w = r.readFloats("visual.proj");
            for (int i = 0; i < 12; i++) {
                assertEquals((i - 5.5f) / 3f, w[i], 1e-7f);
            }
            assertArrayEquals(new float[] {0.0999755859375f, -2.5f, 65504f, 1.1920928955078125e-07f},
                    r.readFloats("token_embedding.weight"));
            assertArrayEquals(new float[] {3.140625f, -0.00099945068359375f, 9.953037915854457e+29f},
                    r.readFloats("logit_scale"));
            assertEquals(3, r.readAll().size());
        }
    }

    @Test
    void shouldNameEveryMismatchWhenLoadingIntoAModel() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, List.of(
                TensorSlice.of("a", new float[6], 2, 3),
                TensorSlice.of("b", new float[4], 4),
                TensorSlice.of("stray", new float[1], 1)), Map.of());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> r.loadInto(List.of(
                    TensorSlice.of("a", new float[6], 3, 2),
                    TensorSlice.of("b", new float[4], 4),
                    TensorSlice.of("c", new float[2], 2)), false));
            assertTrue(e.getMessage().contains("missing=[c]"), e.getMessage());
            assertTrue(e.getMessage().contains("wrongShape=[a: file=[2, 3] model=[3, 2]]"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected=[stray]"), e.getMessage());

            float[] b = new float[4];
            r.loadInto(List.of(TensorSlice.of("a", new float[6], 2, 3), TensorSlice.of("b", b, 4)), true);
        }
    }

    @Test
    void shouldRejectAnIntegerTensorLoadedAsWeights() throws IOException {
        Path file = dir.resolve("int.safetensors");
        writeRaw(file, "{\"ids\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            SafetensorsException e = assertThrows(SafetensorsException.class,
                    () -> r.loadInto(List.of(TensorSlice.of("ids", new float[2], 2)), false));
            assertTrue(e.getMessage().contains("wrongDtype=[ids: dtype=I32]"), e.getMessage());
        }
    }

    @Test
    void shouldDetectAFlippedDataByteByChecksum() throws IOException {
        Path file = dir.resolve("c.safetensors");
        float[] arena = ramp(37, 1f);
        Safetensors.write(file, arenaSlices(arena), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 0x10;
        Files.write(file, bytes);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> r.loadInto(arenaSlices(new float[37]), false));
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            assertThrows(SafetensorsException.class, r::verifyChecksum);
            assertThrows(SafetensorsException.class, r::readAll);
        }
    }

    @Test
    void shouldRejectTruncatedFilesNamingTheTensor() throws IOException {
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, arenaSlices(ramp(37, 1f)), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 2));
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsReader.open(file));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("tensor=logit_scale"), e.getMessage());

        Files.write(file, Arrays.copyOf(bytes, 30));
        SafetensorsException header = assertThrows(SafetensorsException.class, () -> SafetensorsReader.open(file));
        assertTrue(header.getMessage().contains("headerLength="), header.getMessage());

        Files.write(file, new byte[5]);
        assertThrows(SafetensorsException.class, () -> SafetensorsReader.open(file));
    }

    @Test
    void shouldRejectMalformedHeaders() throws IOException {
        String[][] cases = {
                {"{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "expectedBytes=8"},
                {"{\"x\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", "dtype=Q7"},
                {"{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "overlapping"},
                {"{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "gap before"},
                {"{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "bad dimension"},
                {"{\"x\":{\"dtype\":\"F32\",\"shape\":[1]}}", "data_offsets"},
                {"{\"x\": [1, 2", "corrupt header"},
                {"{\"__metadata__\":{\"a\":1}}", "__metadata__"},
        };
        for (String[] c : cases) {
            Path file = dir.resolve("bad.safetensors");
            writeRaw(file, c[0], new byte[8]);
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsReader.open(file), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        Path trailing = dir.resolve("trailing.safetensors");
        writeRaw(trailing, "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[8]);
        assertTrue(assertThrows(SafetensorsException.class, () -> SafetensorsReader.open(trailing))
                .getMessage().contains("trailing bytes"));
    }

    @Test
    void shouldRoundTripOptimizerStateWithItsJson() throws IOException {
        Path file = dir.resolve("optimizer.safetensors");
        float[] m = ramp(1000, 1e-3f);
        float[] v = ramp(1000, 1e-6f);
        Map<String, Object> json = Map.of("step", 1234L, "rngState", -8_000_000_000_123L, "lossScale", 65536.0,
                "dataPosition", Map.of("epoch", 2L, "index", 77L));
        StateFile.write(file, new java.util.LinkedHashMap<>(Map.of("adamw.m", m, "adamw.v", v)), json);
        StateFile.State s = StateFile.read(file);
        assertArrayEquals(m, s.arrays().get("adamw.m"));
        assertArrayEquals(v, s.arrays().get("adamw.v"));
        assertEquals(json, s.json());

        Path weights = dir.resolve("w.safetensors");
        Safetensors.write(weights, List.of(TensorSlice.of("x", new float[1], 1)), Map.of());
        assertThrows(SafetensorsException.class, () -> StateFile.read(weights));
    }

    @Test
    void shouldRequireAChecksumForCheckpointWeights() throws IOException {
        writeRaw(dir.resolve(CheckpointFiles.WEIGHTS_FILE),
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]);
        SafetensorsException e = assertThrows(SafetensorsException.class,
                () -> CheckpointFiles.loadWeights(dir, List.of(TensorSlice.of("x", new float[1], 1))));
        assertTrue(e.getMessage().contains("no checksum"), e.getMessage());

        CheckpointFiles.writeWeights(dir, List.of(TensorSlice.of("x", new float[] {7f}, 1)));
        CheckpointFiles.writeConfig(dir, Map.of("loss", "siglip"));
        float[] x = new float[1];
        CheckpointFiles.loadWeights(dir, List.of(TensorSlice.of("x", x, 1)));
        assertEquals(7f, x[0]);
        assertEquals(Map.of("loss", "siglip"), CheckpointFiles.readConfig(dir));
    }

    @Test
    void shouldRefuseDuplicateNames() {
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(dir.resolve("d.safetensors"),
                List.of(TensorSlice.of("x", new float[1], 1), TensorSlice.of("x", new float[1], 1)), Map.of()));
    }

    /** A file laid out by hand per the spec: what another writer (Python safetensors) would produce. */
    static void writeRaw(Path file, String headerJson, byte[] data) throws IOException {
        byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        Files.write(file, b.array());
    }
}
