package io.ringclip.trainer.loop;

import io.ringclip.models.tensor.Precision;
import io.ringclip.trainer.optim.ParamSpan;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What the training step needs from a CLIP/SigLIP model: the flat parameter and gradient arenas
 * with their named slices, and a forward whose backward reports finished gradient slices. The
 * production implementation wraps {@code io.ringclip.models.model.ClipModel}; tests use small
 * fakes, so the step's logic (sync, scaling, skipping, accumulation) is tested apart from the model.
 */
public interface TrainableModel {

    /** fp32 master weights. */
    float[] params();

    /** Gradient arena, same layout as {@link #params()}; backward accumulates into it. */
    float[] grads();

    /** Every parameter as a named slice, in arena order, open_clip names. */
    List<ParamSpan> spans();

    /** Shared embedding dimension E of the features. */
    int embedDim();

    /** One training forward of {@code batch} (its {@code size} samples). */
    Forward forward(StepInput batch, Precision precision, double patchDropout, boolean lockImage, RandomGenerator rng);

    /** The forward of one micro-batch: normalised features and the way back. */
    interface Forward {

        /** [B, E], L2-normalised. */
        float[] imageFeatures();

        /** [B, E], L2-normalised. */
        float[] textFeatures();

        /**
         * Backpropagates feature gradients into the gradient arena ({@code +=}) and reports every
         * slice whose gradient is final via {@code ready(offset, length)}.
         */
        void backward(float[] dImage, float[] dText, GradientReady ready);
    }

    @FunctionalInterface
    interface GradientReady {
        GradientReady NONE = (offset, length) -> { };

        void ready(int offset, int length);
    }
}
