package io.ringclip.models.loss;

/**
 * The contribution of one block of the logit matrix: its (weighted) loss and scalar gradients. Feature
 * gradients of a block are accumulated into caller-provided arrays.
 */
public record BlockResult(double loss, double dLogitScale, double dLogitBias) {

    public static final BlockResult ZERO = new BlockResult(0, 0, 0);

    public BlockResult plus(BlockResult o) {
        return new BlockResult(loss + o.loss, dLogitScale + o.dLogitScale, dLogitBias + o.dLogitBias);
    }
}
