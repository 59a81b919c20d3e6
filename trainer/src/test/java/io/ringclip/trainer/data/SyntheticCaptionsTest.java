package io.ringclip.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticCaptionsTest {

    private static float[] pixels(Example example) {
        return ((RawImage) example.image()).pixels();
    }

    @Test
    void shouldGenerateTheSameExamplesForTheSameSeed() {
        SyntheticCaptions a = new SyntheticCaptions(Split.TRAIN, 100, 16, 3, 11);
        SyntheticCaptions b = new SyntheticCaptions(Split.TRAIN, 100, 16, 3, 11);
        SyntheticCaptions other = new SyntheticCaptions(Split.TRAIN, 100, 16, 3, 12);
        int differentCaptions = 0;
        for (int i = 0; i < 100; i += 7) {
            assertArrayEquals(pixels(a.get(i)), pixels(b.get(i)));
            assertEquals(a.get(i).caption(), b.get(i).caption());
            assertEquals(a.get(i).caption(), a.caption(i));
            assertFalse(java.util.Arrays.equals(pixels(a.get(i)), pixels(other.get(i))));
            differentCaptions += a.caption(i).equals(other.caption(i)) ? 0 : 1;
        }
        assertTrue(differentCaptions > 5, "differentCaptions=" + differentCaptions);
    }

    @Test
    void shouldHoldOutTheTestSplit() {
        SyntheticCaptions train = new SyntheticCaptions(Split.TRAIN, 50, 16, 3, 1);
        SyntheticCaptions test = new SyntheticCaptions(Split.TEST, 50, 16, 3, 1);
        for (int i = 0; i < 50; i++) {
            assertFalse(java.util.Arrays.equals(pixels(train.get(i)), pixels(test.get(i))));
        }
    }

    @Test
    void shouldNameTheLabelledShapeInEveryCaptionAndUseAllClasses() {
        SyntheticCaptions source = new SyntheticCaptions(Split.TRAIN, 300, 16, 3, 5);
        Set<Integer> labels = new HashSet<>();
        for (int i = 0; i < source.size(); i++) {
            Example example = source.get(i);
            String shape = source.classNames().get(example.label());
            assertTrue(example.caption().contains(shape), example.caption() + " / " + shape);
            String colour = SyntheticCaptions.COLOUR_NAMES.get(source.attributes(i).colour());
            assertTrue(example.caption().contains(colour), example.caption() + " / " + colour);
            labels.add(example.label());
        }
        assertEquals(SyntheticCaptions.SHAPES.size(), labels.size());
    }

    @Test
    void shouldDrawTheShapeInItsColourAtItsPosition() {
        int s = 48;
        SyntheticCaptions source = new SyntheticCaptions(Split.TRAIN, 200, s, 3, 9);
        int checked = 0;
        for (int i = 0; i < source.size(); i++) {
            SyntheticCaptions.Attributes a = source.attributes(i);
            if (!Set.of("circle", "square", "diamond").contains(SyntheticCaptions.SHAPES.get(a.shape()))) {
                continue; // ring, cross and triangle may leave the jittered centre uncovered
            }
            float[] p = pixels(source.get(i));
            // Nominal centre ± jitter (0.02 of the side, < 0.1 radius) lies inside a circle, square, diamond.
            int x = (int) ((0.5 + (a.position() % 3 - 1) * SyntheticCaptions.POSITION_OFFSET) * s);
            int y = (int) ((0.5 + (a.position() / 3 - 1) * SyntheticCaptions.POSITION_OFFSET) * s);
            String colour = SyntheticCaptions.COLOUR_NAMES.get(a.colour());
            float r = p[y * s + x];
            float g = p[s * s + y * s + x];
            float b = p[2 * s * s + y * s + x];
            float brightest = Math.max(r, Math.max(g, b));
            assertTrue(brightest > 0.5f, "example " + i + " centre not drawn: " + r + "," + g + "," + b);
            switch (colour) {
                case "red" -> assertTrue(r > g + 0.4f && r > b + 0.4f);
                case "green" -> assertTrue(g > r + 0.4f && g > b + 0.4f);
                case "blue" -> assertTrue(b > r + 0.4f && b > g + 0.4f);
                default -> { }
            }
            checked++;
        }
        assertTrue(checked > 50, "checked=" + checked);
    }

    @Test
    void shouldDescribeGreyImagesByIntensity() {
        SyntheticCaptions grey = new SyntheticCaptions(Split.TRAIN, 50, 16, 1, 3);
        for (int i = 0; i < 50; i++) {
            Example example = grey.get(i);
            assertEquals(1, ((RawImage) example.image()).channels());
            SyntheticCaptions.Attributes a = grey.attributes(i);
            assertTrue(example.caption().contains(SyntheticCaptions.INTENSITY_NAMES.get(a.intensity())), example.caption());
        }
    }

    @Test
    void shouldOpenTheSyntheticSpecWithAHeldOutSplit() {
        try (DataSource train = DataSources.open("synthetic:1000", Split.TRAIN, 16, 3, 0);
                DataSource test = DataSources.open("synthetic:1000", Split.TEST, 16, 3, 0)) {
            assertEquals(1000, train.size());
            assertEquals(256, test.size());
            assertNotEquals(train.caption(0) + train.caption(1), test.caption(0) + test.caption(1));
        }
        assertEquals(SyntheticCaptions.DEFAULT_TRAIN_SIZE, DataSources.open("synthetic", Split.TRAIN, 16, 3, 0).size());
    }
}
