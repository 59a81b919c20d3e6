package io.ringclip.cli;

import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.LossKind;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.trainer.checkpoint.CheckpointLayout;
import io.ringclip.trainer.checkpoint.TrainingCheckpoint;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.loop.ClipModelAdapter;
import io.ringclip.trainer.loop.Evaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ringclip eval}: zero-shot accuracy and retrieval recall of a checkpoint on held-out data. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a checkpoint on the test split: zero-shot top-1/top-5 (data with classes) and image<->text retrieval recall@1/5/10.",
            "Example: ringclip eval --checkpoint runs/x/checkpoints/step-000300 --data synthetic"
        })
public final class EvalCommand implements Callable<Integer> {

    @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
            description = "A checkpoint directory (…/checkpoints/step-NNNNNN), or a run directory (its latest checkpoint).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "SPEC", defaultValue = "synthetic",
            description = "synthetic[:SIZE] | fashion-mnist[:DIR] | csv:PATH | wds:PATTERN (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--max-samples", defaultValue = "10000", description = "Held-out samples to evaluate (default: ${DEFAULT-VALUE}).")
    int maxSamples;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the synthetic test split (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        try {
            Path dir = resolve(checkpoint);
            ModelConfig cfg = ModelConfig.fromJson(TrainingCheckpoint.modelConfigJson(dir));
            LossKind kind = LossKind.valueOf(TrainingCheckpoint.lossName(dir).toUpperCase(Locale.ROOT));
            ClipModel model = ClipModel.create(cfg, kind, 0);
            ClipModelAdapter adapter = new ClipModelAdapter(model, Runtime.getRuntime().availableProcessors());
            TrainingCheckpoint.loadWeights(dir, adapter.params(), adapter.spans());
            BpeTokenizer tokenizer = TrainingCheckpoint.tokenizer(dir);
            EvalResult r = Evaluation.run(model, tokenizer, data, seed, maxSamples);
            System.out.println("checkpoint: " + dir);
            if (r.zeroShot() != null) {
                System.out.printf(Locale.ROOT, "zero-shot: top-1 %.2f%%, top-5 %.2f%% (%d images)%n",
                        100 * r.zeroShot().top1(), 100 * r.zeroShot().top5(), r.zeroShot().samples());
            }
            if (r.retrieval() != null) {
                var rr = r.retrieval();
                System.out.printf(Locale.ROOT, "retrieval (%d pairs): image->text R@1 %.2f%% R@5 %.2f%% R@10 %.2f%%; "
                                + "text->image R@1 %.2f%% R@5 %.2f%% R@10 %.2f%%%n", rr.pairs(),
                        100 * rr.imageToTextAt1(), 100 * rr.imageToTextAt5(), 100 * rr.imageToTextAt10(),
                        100 * rr.textToImageAt1(), 100 * rr.textToImageAt5(), 100 * rr.textToImageAt10());
            }
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("ringclip eval: " + e.getMessage());
            return 1;
        }
    }

    private static Path resolve(Path p) throws IOException {
        if (Files.isRegularFile(p.resolve("model.safetensors"))) {
            return p;
        }
        return new CheckpointLayout(p).latest()
                .orElseThrow(() -> new IOException("not a checkpoint or run directory: dir=" + p));
    }
}
