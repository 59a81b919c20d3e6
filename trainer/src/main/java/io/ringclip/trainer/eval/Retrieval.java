package io.ringclip.trainer.eval;

/**
 * Image↔text retrieval recall@1/5/10 for paired data: image i belongs with caption i. Scores are
 * cosine similarities, computed one query row at a time so memory stays O(N) rather than O(N²).
 * Identical captions of different images count as misses, as in open_clip's retrieval eval.
 */
public final class Retrieval {

    private Retrieval() {}

    /** Recall over {@code imageFeatures} and {@code textFeatures}, both {@code [N, E]}. */
    public static RetrievalRecall evaluate(float[] imageFeatures, float[] textFeatures, int dim) {
        Embeddings.requireShape(imageFeatures, dim, "imageFeatures");
        if (imageFeatures.length != textFeatures.length) {
            throw new IllegalArgumentException("image and text features disagree: image=" + imageFeatures.length
                    + ", text=" + textFeatures.length);
        }
        int n = imageFeatures.length / dim;
        if (n == 0) {
            return new RetrievalRecall(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        float[] images = Embeddings.normaliseRows(imageFeatures, dim);
        float[] texts = Embeddings.normaliseRows(textFeatures, dim);
        int[] imageToText = hitsAtK(images, texts, n, dim);
        int[] textToImage = hitsAtK(texts, images, n, dim);
        double total = n;
        return new RetrievalRecall(n, imageToText[0] / total, imageToText[1] / total, imageToText[2] / total,
                textToImage[0] / total, textToImage[1] / total, textToImage[2] / total);
    }

    /** For each query row i, where candidate i ranks among all candidates: hits at k = 1, 5, 10. */
    private static int[] hitsAtK(float[] queries, float[] candidates, int n, int dim) {
        int[] hits = new int[3];
        float[] scores = new float[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                scores[j] = Embeddings.dot(queries, i, candidates, j, dim);
            }
            int rank = Embeddings.rankOf(scores, i);
            hits[0] += rank < 1 ? 1 : 0;
            hits[1] += rank < 5 ? 1 : 0;
            hits[2] += rank < 10 ? 1 : 0;
        }
        return hits;
    }
}
