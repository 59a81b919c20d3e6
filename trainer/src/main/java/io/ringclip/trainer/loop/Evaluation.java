package io.ringclip.trainer.loop;

import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.Tokenizer;
import io.ringclip.trainer.data.DataLoader;
import io.ringclip.trainer.data.DataSource;
import io.ringclip.trainer.data.DataSources;
import io.ringclip.trainer.data.Split;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.eval.HeldOutEvaluator;
import io.ringclip.trainer.eval.ZeroShotClassifier;
import java.util.function.Function;

/**
 * Held-out evaluation of a model on the test split of a data spec: zero-shot top-1/top-5 (when
 * the data has classes; prompt templates averaged) and image↔text retrieval recall@1/5/10.
 */
public final class Evaluation {

    /** Held-out samples evaluated by default (the whole test split of the built-in sources). */
    public static final int DEFAULT_MAX_SAMPLES = 10_000;
    private static final int EVAL_BATCH = 256;

    private Evaluation() {}

    public static EvalResult run(ClipModel model, Tokenizer tokenizer, String dataSpec, long seed, int maxSamples) {
        ModelConfig m = model.config();
        Function<float[], float[]> images = x -> model.encodeImages(x, x.length / m.imageElements());
        Function<int[], float[]> texts = t -> model.encodeTexts(t, t.length / m.contextLength());
        try (DataSource test = DataSources.open(dataSpec, Split.TEST, m.imageSize(), m.channels(), seed);
             DataLoader loader = DataLoader.open(test, tokenizer,
                     Worker.loaderOptions(m, 0, 1, EVAL_BATCH, seed, false))) {
            ZeroShotClassifier classifier = test.classNames().isEmpty() ? null
                    : ZeroShotClassifier.build(test.classNames(), test.promptTemplates(), tokenizer, m.contextLength(), texts);
            return new HeldOutEvaluator(images, texts, classifier).evaluate(loader, maxSamples);
        }
    }
}
