package io.ringclip.models.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a fixture written by {@code models/src/test/python/make_golden_fixtures.py}:
 * {@code <case>.idx} ("config {json}", then "name offset count dims…" per tensor) and
 * {@code <case>.bin} (little-endian float32).
 */
final class GoldenFixture {

    final ModelConfig config;
    final Map<String, float[]> tensors = new LinkedHashMap<>();
    final Map<String, int[]> shapes = new LinkedHashMap<>();

    private GoldenFixture(ModelConfig config) {
        this.config = config;
    }

    static GoldenFixture load(String name) throws IOException {
        String idx = new String(read("/fixtures/" + name + ".idx"), StandardCharsets.UTF_8);
        ByteBuffer bin = ByteBuffer.wrap(read("/fixtures/" + name + ".bin")).order(ByteOrder.LITTLE_ENDIAN);
        String[] lines = idx.split("\n");
        GoldenFixture f = new GoldenFixture(ModelConfig.fromJson(lines[0].substring("config ".length())));
        for (int i = 1; i < lines.length; i++) {
            String[] p = lines[i].trim().split(" ");
            int offset = Integer.parseInt(p[1]);
            int count = Integer.parseInt(p[2]);
            int[] shape = new int[p.length - 3];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = Integer.parseInt(p[3 + d]);
            }
            float[] data = new float[count];
            for (int j = 0; j < count; j++) {
                data[j] = bin.getFloat(4 * (offset + j));
            }
            f.tensors.put(p[0], data);
            f.shapes.put(p[0], shape);
        }
        return f;
    }

    float[] get(String name) {
        float[] t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("fixture has no tensor: name=" + name);
        }
        return t;
    }

    private static byte[] read(String resource) throws IOException {
        try (InputStream in = GoldenFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing test resource: " + resource);
            }
            return in.readAllBytes();
        }
    }
}
