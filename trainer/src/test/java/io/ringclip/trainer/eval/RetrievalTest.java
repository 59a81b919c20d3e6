package io.ringclip.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RetrievalTest {

    private static final int N = 12;

    private static void unit(float[] matrix, int row, int axis, float value) {
        matrix[row * N + axis] = value;
    }

    /**
     * Images: image i = e_i for i ≤ 10; image 11 = e2 + … + e8 + 0.5·e11 (unnormalised).
     * Texts: text 0 = e1, text 1 = e0 (swapped), text i = e_i for 2..10, text 11 = e0 + e11.
     *
     * <p>Image→text ranks: image 0 → 2 (texts 1 and 11 score higher), image 1 → 1, images 2..10
     * → 0, image 11 → 7 (texts 2..8 score higher). Text→image ranks: text 0 → 1, text 1 → 1,
     * texts 2..10 → 0, text 11 → 1 (image 0 scores 0.71 against image 11's 0.13).
     */
    @Test
    void shouldComputeRecallAtOneFiveTenInBothDirections() {
        float[] images = new float[N * N];
        float[] texts = new float[N * N];
        for (int i = 0; i <= 10; i++) {
            unit(images, i, i, 1);
        }
        for (int axis = 2; axis <= 8; axis++) {
            unit(images, 11, axis, 1);
        }
        unit(images, 11, 11, 0.5f);
        unit(texts, 0, 1, 1);
        unit(texts, 1, 0, 1);
        for (int i = 2; i <= 10; i++) {
            unit(texts, i, i, 1);
        }
        unit(texts, 11, 0, 1);
        unit(texts, 11, 11, 1);

        RetrievalRecall recall = Retrieval.evaluate(images, texts, N);

        assertEquals(new RetrievalRecall(12, 9 / 12.0, 11 / 12.0, 1.0, 9 / 12.0, 1.0, 1.0), recall);
        Map<String, Number> metrics = new EvalResult(null, recall).toMetrics();
        assertEquals(0.75, metrics.get("recall_at_1").doubleValue(), 1e-12);
        assertEquals((11 / 12.0 + 1) / 2, metrics.get("recall_at_5").doubleValue(), 1e-12);
        assertEquals(1.0, metrics.get("recall_at_10").doubleValue(), 1e-12);
    }

    @Test
    void shouldCountIdenticalCaptionsOfDifferentImagesAsMisses() {
        float[] images = {1, 0, 0, 1};
        float[] texts = {1, 1, 1, 1}; // both captions identical: ties go to the lower index
        RetrievalRecall recall = Retrieval.evaluate(images, texts, 2);
        assertEquals(0.5, recall.imageToTextAt1()); // image 1 ranks text 0 first
        assertEquals(1.0, recall.imageToTextAt5());
        assertEquals(0.5, recall.textToImageAt1()); // both images tie for each text: image 0 wins
        assertEquals(1.0, recall.textToImageAt5());
    }

    @Test
    void shouldRejectMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(new float[4], new float[6], 2));
        assertThrows(IllegalArgumentException.class, () -> Retrieval.evaluate(new float[5], new float[5], 2));
    }
}
