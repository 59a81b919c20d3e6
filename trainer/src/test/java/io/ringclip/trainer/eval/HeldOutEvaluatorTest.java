package io.ringclip.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ringclip.models.image.Preprocess;
import io.ringclip.trainer.data.ByteTokenizer;
import io.ringclip.trainer.data.DataLoader;
import io.ringclip.trainer.data.DataSource;
import io.ringclip.trainer.data.Example;
import io.ringclip.trainer.data.LoaderOptions;
import io.ringclip.trainer.data.RawImage;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HeldOutEvaluatorTest {

    private static final List<String> CLASSES = List.of("alpha", "beta", "gamma");
    private static final int CONTEXT = 32;
    private static final int SIZE = 4;

    /** Image i is a flat grey level (label + 1) / 4; its caption names the class. */
    private static final class EncodedLabels implements DataSource {
        @Override
        public int size() {
            return 11;
        }

        @Override
        public Example get(int index) {
            int label = index % 3;
            float[] pixels = new float[SIZE * SIZE];
            Arrays.fill(pixels, (label + 1) / 4f);
            return new Example(new RawImage(SIZE, SIZE, 1, pixels), "a photo of a " + CLASSES.get(label), label);
        }

        @Override
        public List<String> classNames() {
            return CLASSES;
        }

        @Override
        public List<String> promptTemplates() {
            return List.of("a photo of a {}", "an image of a {}");
        }

        @Override
        public String describe() {
            return "encoded-labels";
        }
    }

    @Test
    void shouldScorePerfectEncodersAsFullZeroShotAccuracyOnEverySample() {
        ByteTokenizer tokenizer = new ByteTokenizer();
        // Image encoder: one-hot of the grey level; text encoder: one-hot of the class word.
        Function<float[], float[]> imageEncoder = images -> {
            int n = images.length / (SIZE * SIZE);
            float[] out = new float[n * 3];
            for (int i = 0; i < n; i++) {
                out[i * 3 + Math.round(images[i * SIZE * SIZE] * 4) - 1] = 1;
            }
            return out;
        };
        Function<int[], float[]> textEncoder = tokens -> {
            int n = tokens.length / CONTEXT;
            float[] out = new float[n * 3];
            for (int i = 0; i < n; i++) {
                String text = tokenizer.decode(Arrays.copyOfRange(tokens, i * CONTEXT, (i + 1) * CONTEXT));
                for (int k = 0; k < 3; k++) {
                    if (text.contains(CLASSES.get(k))) {
                        out[i * 3 + k] = 1;
                    }
                }
            }
            return out;
        };
        ZeroShotClassifier classifier =
                ZeroShotClassifier.build(CLASSES, List.of("a photo of a {}"), tokenizer, CONTEXT, textEncoder);
        LoaderOptions options = LoaderOptions.builder().batchPerRank(4).image(SIZE, 1).contextLength(CONTEXT)
                .preprocessing(new Preprocess(SIZE, 1, new float[] {0}, new float[] {1}, Preprocess.Interpolation.BILINEAR)).dropLast(false).decodeThreads(1).build();
        try (DataLoader loader = DataLoader.open(new EncodedLabels(), tokenizer, options)) {
            loader.next(); // evaluation must rewind to the start of the epoch
            EvalResult result = new HeldOutEvaluator(imageEncoder, textEncoder, classifier).evaluate(loader, 1000);
            assertEquals(new TopKAccuracy(11, 1.0, 1.0), result.zeroShot());
            assertEquals(11, result.retrieval().pairs());
            assertEquals(1.0, result.retrieval().imageToTextAt10()); // 3 distinct captions, ≤ 4 ties ahead

            EvalResult fromSource = HeldOutEvaluator.forSource(new EncodedLabels(), tokenizer, CONTEXT, imageEncoder,
                    textEncoder).evaluate(loader, 1000);
            assertEquals(result, fromSource);

            EvalResult limited = new HeldOutEvaluator(imageEncoder, textEncoder, null).evaluate(loader, 5);
            assertNull(limited.zeroShot());
            assertEquals(5, limited.retrieval().pairs());
        }
    }
}
