package io.ringclip.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one held-out evaluation; either part is null when it was not measured (e.g. no
 * class labels, so no zero-shot accuracy).
 */
public record EvalResult(TopKAccuracy zeroShot, RetrievalRecall retrieval) {

    /**
     * Flat metric names as written to {@code metrics.jsonl}: {@code zero_shot_top1},
     * {@code zero_shot_top5}, {@code recall_at_{1,5,10}} (mean of both directions), and
     * {@code image_to_text_recall_at_k}, {@code text_to_image_recall_at_k}, {@code eval_samples}.
     */
    public Map<String, Number> toMetrics() {
        Map<String, Number> metrics = new LinkedHashMap<>();
        if (zeroShot != null) {
            metrics.put("zero_shot_top1", zeroShot.top1());
            metrics.put("zero_shot_top5", zeroShot.top5());
            metrics.put("eval_samples", zeroShot.samples());
        }
        if (retrieval != null) {
            for (int k : new int[] {1, 5, 10}) {
                metrics.put("recall_at_" + k, retrieval.meanAt(k));
            }
            metrics.put("image_to_text_recall_at_1", retrieval.imageToTextAt1());
            metrics.put("image_to_text_recall_at_5", retrieval.imageToTextAt5());
            metrics.put("image_to_text_recall_at_10", retrieval.imageToTextAt10());
            metrics.put("text_to_image_recall_at_1", retrieval.textToImageAt1());
            metrics.put("text_to_image_recall_at_5", retrieval.textToImageAt5());
            metrics.put("text_to_image_recall_at_10", retrieval.textToImageAt10());
            metrics.put("eval_pairs", retrieval.pairs());
        }
        return metrics;
    }
}
