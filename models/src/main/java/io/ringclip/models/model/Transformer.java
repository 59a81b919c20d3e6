package io.ringclip.models.model;

import io.ringclip.models.tensor.ParameterArena;

/** A stack of {@link TransformerBlock}s named {@code <prefix>resblocks.<i>.…} as in open_clip. */
final class Transformer {

    final TransformerBlock[] blocks;

    Transformer(ParameterArena.Builder arena, String prefix, int width, int layers, int heads, int mlpWidth) {
        blocks = new TransformerBlock[layers];
        for (int i = 0; i < layers; i++) {
            blocks[i] = new TransformerBlock(arena, prefix + "resblocks." + i + ".", width, heads, mlpWidth);
        }
    }

    /**
     * Runs all blocks. The input must be committed in {@code acts[0].xIn}. Training: each block writes
     * into the next block's {@code xIn}, the last into {@code ws.a}. Inference ({@code inPlace}, every
     * element of {@code acts} the same object): each block overwrites its input with its output.
     *
     * @return the array holding the output [batch·tokens, width]
     */
    float[] forward(BlockActivations[] acts, int batch, int tokens, boolean causal, boolean inPlace, StepContext cx) {
        int n = batch * tokens * blocks[0].width;
        int last = blocks.length - 1;
        for (int l = 0; l <= last; l++) {
            float[] xOut = inPlace ? acts[l].xIn.writeBuffer() : l < last ? acts[l + 1].xIn.writeBuffer() : cx.ws().a;
            blocks[l].forward(acts[l], xOut, batch, tokens, causal, cx);
            if (!inPlace && l < last) {
                acts[l + 1].xIn.commit(n);
            }
        }
        return inPlace ? acts[last].xIn.writeBuffer() : cx.ws().a;
    }

    /** {@code ws.dres}: ∂/∂output on entry, ∂/∂input on exit; reports each block's range when final. */
    void backward(BlockActivations[] acts, int batch, int tokens, boolean causal, StepContext cx,
                  GradientReadyListener listener) {
        for (int l = blocks.length - 1; l >= 0; l--) {
            blocks[l].backward(acts[l], batch, tokens, causal, cx);
            listener.ready(blocks[l].start, blocks[l].end - blocks[l].start);
        }
    }
}
