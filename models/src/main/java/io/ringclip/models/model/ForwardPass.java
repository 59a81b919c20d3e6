package io.ringclip.models.model;

/**
 * The result of one training forward: normalised features of both towers and what backward needs.
 * Valid until the model's next {@link ClipModel#forward}.
 */
public final class ForwardPass {

    private final ClipModel model;
    private final long generation;
    private final StepContext cx;
    private final VisionTower.Activations vision;
    private final TextTower.Activations text;
    private final boolean lockImage;
    private final int batch;
    private boolean backwardDone;

    ForwardPass(ClipModel model, long generation, StepContext cx, VisionTower.Activations vision,
                TextTower.Activations text, boolean lockImage, int batch) {
        this.model = model;
        this.generation = generation;
        this.cx = cx;
        this.vision = vision;
        this.text = text;
        this.lockImage = lockImage;
        this.batch = batch;
    }

    public int batch() {
        return batch;
    }

    /** L2-normalised image features [B, E]; a view of internal storage, do not modify. */
    public float[] imageFeatures() {
        checkCurrent();
        return vision.headActs.features;
    }

    /** L2-normalised text features [B, E]; a view of internal storage, do not modify. */
    public float[] textFeatures() {
        checkCurrent();
        return text.headActs.features;
    }

    /** Bytes of activations saved for backward (the memory mixed precision halves). */
    public long activationBytes() {
        return vision.bytes() + text.bytes();
    }

    /** {@link #backward(float[], float[], float, float, GradientReadyListener)} with no loss-scalar gradients. */
    public void backward(float[] dImageFeatures, float[] dTextFeatures, GradientReadyListener listener) {
        backward(dImageFeatures, dTextFeatures, 0f, 0f, listener);
    }

    /**
     * Accumulates (+=) the gradients of every parameter into the arena's grads: the loss-scalar
     * gradients given here, then the text tower, then the image tower (skipped under LiT; its range is
     * still reported so bucket bookkeeping completes). Callable once per forward.
     *
     * @param dImageFeatures ∂L/∂imageFeatures [B, E] (may be null under LiT)
     * @param dTextFeatures  ∂L/∂textFeatures [B, E]
     * @param dLogitScale    ∂L/∂logit_scale (w.r.t. the stored log value)
     * @param dLogitBias     ∂L/∂logit_bias (ignored for CLIP)
     */
    public void backward(float[] dImageFeatures, float[] dTextFeatures, float dLogitScale, float dLogitBias,
                         GradientReadyListener listener) {
        checkCurrent();
        if (backwardDone) {
            throw new IllegalStateException("backward already ran for this forward pass: generation=" + generation);
        }
        int e = model.config().embedDim();
        checkLength(dTextFeatures, e, "dTextFeatures");
        if (!lockImage) {
            checkLength(dImageFeatures, e, "dImageFeatures");
        }
        backwardDone = true;
        float[] grads = cx.grads();
        int scale = model.logitScaleOffset();
        grads[scale] += dLogitScale;
        int bias = model.logitBiasOffset();
        if (bias >= 0) {
            grads[bias] += dLogitBias;
        }
        listener.ready(scale, model.arena().size() - scale);
        model.text().backward(text, dTextFeatures, cx, listener);
        if (lockImage) {
            listener.ready(model.visionStart(), model.visionEnd() - model.visionStart());
        } else {
            model.vision().backward(vision, dImageFeatures, cx, listener);
        }
    }

    private void checkLength(float[] d, int e, String what) {
        if (d == null || d.length < batch * e) {
            throw new IllegalArgumentException(what + " too short: length=" + (d == null ? 0 : d.length)
                    + ", expected=" + batch * e);
        }
    }

    private void checkCurrent() {
        if (model.generation() != generation) {
            throw new IllegalStateException("forward pass is stale: a newer forward reused its buffers: generation="
                    + generation + ", current=" + model.generation());
        }
    }
}
