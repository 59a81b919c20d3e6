package io.ringclip.models.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripFloat32AndInt32AtSeveralRanks() throws IOException {
        int[][] shapes = {{}, {0}, {1}, {7}, {2, 3}, {2, 1, 4, 3}};
        for (int[] shape : shapes) {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] f = new float[n];
            int[] ints = new int[n];
            for (int i = 0; i < n; i++) {
                f[i] = (i - 3) * 0.37f;
                ints[i] = i * 1_000_003 - 5;
            }
            Path pf = dir.resolve("f.npy");
            Npy.writeFloat32(pf, f, shape);
            Npy.Float32 rf = Npy.readFloat32(pf);
            assertArrayEquals(shape, rf.shape());
            assertArrayEquals(f, rf.data());
            Path pi = dir.resolve("i.npy");
            Npy.writeInt32(pi, ints, shape);
            Npy.Int32 ri = Npy.readInt32(pi);
            assertArrayEquals(shape, ri.shape());
            assertArrayEquals(ints, ri.data());
        }
    }

    @Test
    void shouldWriteTheExactNumpyV1Header() throws IOException {
        Path p = dir.resolve("a.npy");
        Npy.writeFloat32(p, new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3);
        byte[] bytes = Files.readAllBytes(p);
        // What np.save(np.zeros((2,3), np.float32)) writes: 128-byte preamble+header, then 24 data bytes.
        assertEquals(128 + 24, bytes.length);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        assertEquals(118, (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8);
        String header = new String(bytes, 10, 118, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header);
        assertTrue(header.endsWith(" \n"));
        assertEquals(1f, ByteBuffer.wrap(bytes, 128, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
        Npy.writeFloat32(p, new float[] {1f}, 1);
        assertTrue(new String(Files.readAllBytes(p), StandardCharsets.US_ASCII).contains("'shape': (1,)"));
    }

    @Test
    void shouldReadWhatNumpyWritesAndWriteTheSameBytes() throws IOException, java.net.URISyntaxException {
        Path f32 = fixture("numpy_f32_2x3.npy");
        Npy.Float32 a = Npy.readFloat32(f32);
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {-1.25f, -0.75f, -0.25f, 0.25f, 0.75f, 1.25f}, a.data());
        Path ours = dir.resolve("ours.npy");
        Npy.writeFloat32(ours, a.data(), 2, 3);
        assertArrayEquals(Files.readAllBytes(f32), Files.readAllBytes(ours));

        Npy.Int32 i = Npy.readInt32(fixture("numpy_i32_4.npy"));
        assertArrayEquals(new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}, i.data());
        Npy.writeInt32(ours, i.data(), 4);
        assertArrayEquals(Files.readAllBytes(fixture("numpy_i32_4.npy")), Files.readAllBytes(ours));

        Npy.Float32 scalar = Npy.readFloat32(fixture("numpy_f32_scalar.npy"));
        assertArrayEquals(new int[] {}, scalar.shape());
        assertArrayEquals(new float[] {3.25f}, scalar.data());

        IOException f64 = assertThrows(IOException.class, () -> Npy.readFloat32(fixture("numpy_f64_2.npy")));
        assertTrue(f64.getMessage().contains("descr=<f8") && f64.getMessage().contains("astype"), f64.getMessage());
    }

    private static Path fixture(String name) throws java.net.URISyntaxException {
        return Path.of(NpyTest.class.getResource(name).toURI());
    }

    @Test
    void shouldReadAVersion2HeaderWithExtraSpaces() throws IOException {
        String dict = "{'descr':'<i4','fortran_order':False,'shape':( 3 , ),}\n";
        ByteBuffer b = ByteBuffer.allocate(12 + dict.length() + 12).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0}).putInt(dict.length())
                .put(dict.getBytes(StandardCharsets.US_ASCII)).putInt(7).putInt(-8).putInt(9);
        Path p = dir.resolve("v2.npy");
        Files.write(p, b.array());
        assertArrayEquals(new int[] {7, -8, 9}, Npy.readInt32(p).data());
        assertArrayEquals(new int[] {3}, Npy.readInt32(p).shape());
    }

    @Test
    void shouldRejectWrongDtypeFortranOrderAndTruncation() throws IOException {
        Path p = dir.resolve("f.npy");
        Npy.writeFloat32(p, new float[4], 2, 2);
        IOException dtype = assertThrows(IOException.class, () -> Npy.readInt32(p));
        assertTrue(dtype.getMessage().contains("descr=<f4"), dtype.getMessage());

        byte[] bytes = Files.readAllBytes(p);
        Path truncated = dir.resolve("t.npy");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 3));
        IOException trunc = assertThrows(IOException.class, () -> Npy.readFloat32(truncated));
        assertTrue(trunc.getMessage().contains("truncated"), trunc.getMessage());

        String fortran = new String(bytes, StandardCharsets.ISO_8859_1).replace("'fortran_order': False", "'fortran_order': True ");
        Path f = dir.resolve("fortran.npy");
        Files.write(f, fortran.getBytes(StandardCharsets.ISO_8859_1));
        assertThrows(IOException.class, () -> Npy.readFloat32(f));

        Path notNpy = dir.resolve("x.npy");
        Files.writeString(notNpy, "hello world");
        IOException magic = assertThrows(IOException.class, () -> Npy.readFloat32(notNpy));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
    }

    @Test
    void shouldRejectDataThatDoesNotMatchTheShape() {
        assertThrows(IllegalArgumentException.class, () -> Npy.writeFloat32(dir.resolve("x.npy"), new float[5], 2, 3));
    }
}
