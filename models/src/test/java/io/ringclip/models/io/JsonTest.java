package io.ringclip.models.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void shouldParseAllValueKinds() {
        Map<String, Object> m = Json.parseObject(
                " {\"a\": 1, \"b\": -2.5e1, \"c\": \"x\\n\\u00e9\\\"\", \"d\": [true, false, null], \"e\": {}} ");
        assertEquals(1L, m.get("a"));
        assertEquals(-25.0, m.get("b"));
        assertEquals("x\né\"", m.get("c"));
        assertEquals(java.util.Arrays.asList(true, false, null), m.get("d"));
        assertEquals(Map.of(), m.get("e"));
    }

    @Test
    void shouldKeepLongsExact() {
        long seed = 0x7FFF_FFFF_FFFF_FFF1L;
        Map<String, Object> m = Json.parseObject(Json.write(Map.of("seed", seed)));
        assertEquals(seed, Json.getLong(m, "seed"));
    }

    @Test
    void shouldRoundTripNestedValuesCompactAndPretty() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "tiny \"model\"\t\u0001");
        m.put("width", 64L);
        m.put("lr", 1.0e-4);
        m.put("scale", 3.0);
        m.put("shape", List.of(1L, 2L, 3L));
        m.put("nested", Map.of("k", List.of(Map.of("x", true))));
        m.put("nothing", null);
        assertEquals(m, Json.parse(Json.write(m)));
        assertEquals(m, Json.parse(Json.writePretty(m)));
    }

    @Test
    void shouldWriteFloatsWithTheirShortestDigits() {
        assertEquals("[0.1,2.0]", Json.write(new float[] {0.1f, 2f}));
        assertEquals("[1,2]", Json.write(new int[] {1, 2}));
        assertInstanceOf(Double.class, Json.parse(Json.write(2.0)));
    }

    @Test
    void shouldRejectMalformedInputWithOffset() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "{\"a\":1,\"a\":2}", "tru", "1 2",
                "\"unterminated", "{\"a\":01x}", "[-]", "\"\\q\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().contains("offset="), e.getMessage());
        }
    }

    @Test
    void shouldRejectDeepNesting() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThrows(IllegalArgumentException.class, () -> Json.parse(deep));
    }

    @Test
    void shouldNameTheKeyInTypedAccessorErrors() {
        Map<String, Object> m = Json.parseObject("{\"width\": \"wide\"}");
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class, () -> Json.getInt(m, "width"));
        assertTrue(wrongType.getMessage().contains("key=width"), wrongType.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Json.getInt(m, "depth"));
        assertTrue(missing.getMessage().contains("key=depth"), missing.getMessage());
    }

    @Test
    void shouldRefuseNaN() {
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new float[] {Float.POSITIVE_INFINITY}));
    }
}
