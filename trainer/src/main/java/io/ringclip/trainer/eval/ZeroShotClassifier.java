package io.ringclip.trainer.eval;

import io.ringclip.models.tokenizer.Tokenizer;
import java.util.List;
import java.util.function.Function;

/**
 * CLIP zero-shot classification. Each class's embedding is the mean of its normalised prompt
 * embeddings ("a photo of a {}." …), re-normalised; an image is assigned the class whose
 * embedding has the highest cosine similarity with the image's features.
 */
public final class ZeroShotClassifier {

    private final float[] classEmbeddings;
    private final int classes;
    private final int dim;

    private ZeroShotClassifier(float[] classEmbeddings, int classes) {
        if (classes <= 0 || classEmbeddings.length % classes != 0 || classEmbeddings.length == 0) {
            throw new IllegalArgumentException("class embedding shape mismatch: length=" + classEmbeddings.length
                    + ", classes=" + classes);
        }
        this.classes = classes;
        this.dim = classEmbeddings.length / classes;
        this.classEmbeddings = Embeddings.normaliseRows(classEmbeddings, dim);
    }

    /** A classifier from ready class embeddings {@code [classes, E]} (rows are normalised here). */
    public static ZeroShotClassifier fromClassEmbeddings(float[] classEmbeddings, int classes) {
        return new ZeroShotClassifier(classEmbeddings, classes);
    }

    /**
     * Builds class embeddings by encoding every template for every class.
     *
     * @param templates   prompts with a {@code {}} placeholder for the class name
     * @param textEncoder tokens {@code [M, T]} → features {@code [M, E]}; called once per class
     */
    public static ZeroShotClassifier build(List<String> classNames, List<String> templates, Tokenizer tokenizer,
            int contextLength, Function<int[], float[]> textEncoder) {
        if (classNames.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("zero-shot needs classes and templates: classes=" + classNames.size()
                    + ", templates=" + templates.size());
        }
        int m = templates.size();
        float[] embeddings = null;
        int dim = 0;
        for (int k = 0; k < classNames.size(); k++) {
            int[] tokens = new int[m * contextLength];
            for (int t = 0; t < m; t++) {
                String prompt = templates.get(t).replace("{}", classNames.get(k));
                System.arraycopy(tokenizer.encode(prompt, contextLength), 0, tokens, t * contextLength, contextLength);
            }
            float[] features = textEncoder.apply(tokens);
            if (embeddings == null) {
                Embeddings.requireShape(features, features.length / m, "textFeatures");
                dim = features.length / m;
                embeddings = new float[classNames.size() * dim];
            }
            if (features.length != m * dim) {
                throw new IllegalArgumentException("text encoder returned wrong shape: expected=" + m * dim
                        + ", actual=" + features.length);
            }
            float[] normalised = Embeddings.normaliseRows(features, dim);
            for (int t = 0; t < m; t++) {
                for (int e = 0; e < dim; e++) {
                    embeddings[k * dim + e] += normalised[t * dim + e] / m;
                }
            }
        }
        return new ZeroShotClassifier(embeddings, classNames.size());
    }

    /** Normalised class embeddings {@code [classes, E]} (a copy). */
    public float[] classEmbeddings() {
        return classEmbeddings.clone();
    }

    public int classes() {
        return classes;
    }

    /** Cosine scores of one normalised image against every class, {@code [classes]}. */
    float[] scores(float[] imageFeatures, int row) {
        float[] scores = new float[classes];
        for (int k = 0; k < classes; k++) {
            scores[k] = Embeddings.dot(imageFeatures, row, classEmbeddings, k, dim);
        }
        return scores;
    }

    /**
     * Top-1 / top-5 accuracy of {@code imageFeatures} {@code [N, E]} against {@code labels}
     * {@code [N]}; samples labelled -1 are ignored. With fewer than 5 classes top-5 is 1.
     */
    public TopKAccuracy evaluate(float[] imageFeatures, int[] labels) {
        Embeddings.requireShape(imageFeatures, dim, "imageFeatures");
        if (imageFeatures.length / dim != labels.length) {
            throw new IllegalArgumentException("features and labels disagree: rows=" + imageFeatures.length / dim
                    + ", labels=" + labels.length);
        }
        float[] images = Embeddings.normaliseRows(imageFeatures, dim);
        int samples = 0;
        int top1 = 0;
        int top5 = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0) {
                continue;
            }
            if (labels[i] >= classes) {
                throw new IllegalArgumentException("label out of range: index=" + i + ", label=" + labels[i]
                        + ", classes=" + classes);
            }
            int rank = Embeddings.rankOf(scores(images, i), labels[i]);
            samples++;
            top1 += rank < 1 ? 1 : 0;
            top5 += rank < 5 ? 1 : 0;
        }
        return samples == 0
                ? new TopKAccuracy(0, Double.NaN, Double.NaN)
                : new TopKAccuracy(samples, (double) top1 / samples, (double) top5 / samples);
    }
}
