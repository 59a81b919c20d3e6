package io.ringclip.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringclip.trainer.data.ByteTokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ZeroShotClassifierTest {

    private static final int CONTEXT = 16;
    private static final float S = (float) Math.sqrt(0.5);

    /** Hand-made prompt embeddings (deliberately not unit length): E = 4. */
    private static final Map<String, float[]> PROMPTS = Map.of(
            "a cat", new float[] {3, 0, 0, 0},
            "the cat", new float[] {0, 0.5f, 0, 0},
            "a dog", new float[] {0, 0, 1, 0},
            "the dog", new float[] {0, 0, 2, 0},
            "a car", new float[] {0, 0, 0, 2},
            "the car", new float[] {1, 0, 0, 1});

    @Test
    void shouldAverageNormalisedTemplateEmbeddingsPerClass() {
        ByteTokenizer tokenizer = new ByteTokenizer();
        Function<int[], float[]> textEncoder = tokens -> {
            int rows = tokens.length / CONTEXT;
            float[] out = new float[rows * 4];
            for (int r = 0; r < rows; r++) {
                String text = tokenizer.decode(Arrays.copyOfRange(tokens, r * CONTEXT, (r + 1) * CONTEXT));
                System.arraycopy(PROMPTS.get(text), 0, out, r * 4, 4);
            }
            return out;
        };
        ZeroShotClassifier classifier = ZeroShotClassifier.build(
                List.of("cat", "dog", "car"), List.of("a {}", "the {}"), tokenizer, CONTEXT, textEncoder);
        // cat: mean((1,0,0,0), (0,1,0,0)) renormalised; dog: (0,0,1,0);
        // car: mean((0,0,0,1), (S,0,0,S)) = (S/2, 0, 0, (1+S)/2), length cos(pi/8).
        float cos = (float) Math.cos(Math.PI / 8);
        float[] expected = {
            S, S, 0, 0,
            0, 0, 1, 0,
            S / 2 / cos, 0, 0, (1 + S) / 2 / cos,
        };
        assertArrayEquals(expected, classifier.classEmbeddings(), 1e-6f);
    }

    @Test
    void shouldReportTopOneAndTopFiveWithTiesToTheLowerClassIndex() {
        float[] identity = new float[6 * 6];
        for (int k = 0; k < 6; k++) {
            identity[k * 6 + k] = 1;
        }
        ZeroShotClassifier classifier = ZeroShotClassifier.fromClassEmbeddings(identity, 6);
        float[] images = {
            1, 0, 0, 0, 0, 0, // label 0: rank 0
            0.1f, 0.9f, 0.8f, 0.7f, 0.6f, 0.5f, // label 5: four classes score higher, rank 4
            0.6f, 0.5f, 0.4f, 0.3f, 0.2f, 0.1f, // label 5: rank 5
            1, 1, 0, 0, 0, 0, // label 1: tie with class 0, which wins: rank 1
            0, 0, 0, 0, 0, 1, // label -1: ignored
        };
        TopKAccuracy accuracy = classifier.evaluate(images, new int[] {0, 5, 5, 1, -1});
        assertEquals(new TopKAccuracy(4, 0.25, 0.75), accuracy);
    }

    @Test
    void shouldRejectLabelsOutsideTheClasses() {
        ZeroShotClassifier classifier = ZeroShotClassifier.fromClassEmbeddings(new float[] {1, 0, 0, 1}, 2);
        assertThrows(IllegalArgumentException.class, () -> classifier.evaluate(new float[] {1, 0}, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> classifier.evaluate(new float[] {1, 0, 0}, new int[] {0}));
    }
}
