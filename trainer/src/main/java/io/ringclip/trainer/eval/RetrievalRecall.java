package io.ringclip.trainer.eval;

/**
 * Recall@k over {@code pairs} (image i, caption i): the fraction of queries whose partner ranks
 * in the top k. Image→text ranks all captions for each image; text→image the reverse.
 */
public record RetrievalRecall(
        int pairs,
        double imageToTextAt1,
        double imageToTextAt5,
        double imageToTextAt10,
        double textToImageAt1,
        double textToImageAt5,
        double textToImageAt10) {

    /** Mean of the two directions, as open_clip's summary "recall@k" numbers. */
    public double meanAt(int k) {
        return switch (k) {
            case 1 -> (imageToTextAt1 + textToImageAt1) / 2;
            case 5 -> (imageToTextAt5 + textToImageAt5) / 2;
            case 10 -> (imageToTextAt10 + textToImageAt10) / 2;
            default -> throw new IllegalArgumentException("recall measured at k in {1, 5, 10} only: k=" + k);
        };
    }
}
