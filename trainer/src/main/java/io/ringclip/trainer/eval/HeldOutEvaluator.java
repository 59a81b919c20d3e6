package io.ringclip.trainer.eval;

import io.ringclip.models.tokenizer.Tokenizer;
import io.ringclip.trainer.data.Batch;
import io.ringclip.trainer.data.DataLoader;
import io.ringclip.trainer.data.DataSource;
import io.ringclip.trainer.data.LoaderPosition;
import java.util.Arrays;
import java.util.function.Function;

/**
 * Runs the encoders over one pass of a held-out loader and computes zero-shot accuracy (when a
 * classifier is given) and retrieval recall. Open the loader on the test split with
 * {@code worldSize = 1} and {@code dropLast = false} so every held-out sample counts once.
 *
 * <p>Encoders: images {@code [B, C, H, W]} → features {@code [B, E]}; tokens {@code [B, T]} →
 * features {@code [B, E]}. They need not normalise; the metrics do.
 */
public final class HeldOutEvaluator {

    private final Function<float[], float[]> imageEncoder;
    private final Function<int[], float[]> textEncoder;
    private final ZeroShotClassifier classifier;

    /** {@code classifier} may be null (no zero-shot accuracy, e.g. for caption-only data). */
    public HeldOutEvaluator(Function<float[], float[]> imageEncoder, Function<int[], float[]> textEncoder,
            ZeroShotClassifier classifier) {
        this.imageEncoder = imageEncoder;
        this.textEncoder = textEncoder;
        this.classifier = classifier;
    }

    /**
     * An evaluator for {@code heldOut}: with zero-shot classification over its class names and
     * prompt templates when it has classes, retrieval only otherwise. Build a new one for each
     * evaluation: the class embeddings come from the text encoder's current weights.
     */
    public static HeldOutEvaluator forSource(DataSource heldOut, Tokenizer tokenizer, int contextLength,
            Function<float[], float[]> imageEncoder, Function<int[], float[]> textEncoder) {
        ZeroShotClassifier classifier = heldOut.classNames().isEmpty()
                ? null
                : ZeroShotClassifier.build(heldOut.classNames(), heldOut.promptTemplates(), tokenizer, contextLength,
                        textEncoder);
        return new HeldOutEvaluator(imageEncoder, textEncoder, classifier);
    }

    /** Evaluates at most {@code maxSamples} samples from the start of the loader's epoch 0. */
    public EvalResult evaluate(DataLoader loader, int maxSamples) {
        loader.seek(LoaderPosition.START);
        long capacity = Math.min(maxSamples, loader.batchesPerEpoch() * loader.options().batchPerRank());
        float[] images = null;
        float[] texts = null;
        int[] labels = new int[(int) capacity];
        int count = 0;
        int dim = -1;
        for (long b = 0; b < loader.batchesPerEpoch() && count < capacity; b++) {
            Batch batch = loader.next();
            int take = (int) Math.min(batch.size(), capacity - count);
            if (take == 0) {
                continue;
            }
            float[] imageFeatures = imageEncoder.apply(batch.images());
            float[] textFeatures = textEncoder.apply(batch.tokens());
            if (dim < 0) {
                dim = imageFeatures.length / batch.size();
                images = new float[(int) capacity * dim];
                texts = new float[(int) capacity * dim];
            }
            if (imageFeatures.length != batch.size() * dim || textFeatures.length != batch.size() * dim) {
                throw new IllegalArgumentException("encoder output shape mismatch: batch=" + batch.size() + ", dim="
                        + dim + ", image=" + imageFeatures.length + ", text=" + textFeatures.length);
            }
            System.arraycopy(imageFeatures, 0, images, count * dim, take * dim);
            System.arraycopy(textFeatures, 0, texts, count * dim, take * dim);
            System.arraycopy(batch.labels(), 0, labels, count, take);
            count += take;
        }
        if (count == 0) {
            return new EvalResult(null, null);
        }
        images = Arrays.copyOf(images, count * dim);
        texts = Arrays.copyOf(texts, count * dim);
        labels = Arrays.copyOf(labels, count);
        TopKAccuracy zeroShot = classifier == null ? null : classifier.evaluate(images, labels);
        return new EvalResult(zeroShot, Retrieval.evaluate(images, texts, dim));
    }
}
