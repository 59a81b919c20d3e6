package io.ringclip.models.model;

import io.ringclip.models.nn.Embedding;
import io.ringclip.models.nn.PositionalEmbedding;
import io.ringclip.models.tensor.ParameterArena;
import io.ringclip.models.tensor.Precision;

/**
 * open_clip's text tower (B batch, T context, V vocab, C width, E embedding):
 * <pre>
 *   tokens [B, T] → token_embedding [V, C] lookup + positional_embedding [T, C] → resblocks (causal mask)
 *   → ln_final at the argmax(token id) position (end-of-text has the highest id) → · text_projection → L2 normalise
 * </pre>
 * Arena range, in order: {@code token_embedding.weight, positional_embedding, transformer.resblocks.*,
 * ln_final.*, text_projection [C, E]}.
 */
final class TextTower {

    final ModelConfig cfg;
    final int start;
    final int tokenEmbedding;
    final int positional;
    final Transformer transformer;
    final TowerHead head;
    final int end;

    TextTower(ParameterArena.Builder arena, ModelConfig cfg) {
        this.cfg = cfg;
        int c = cfg.textWidth();
        start = arena.size();
        tokenEmbedding = arena.add("token_embedding.weight", cfg.vocabSize(), c).offset();
        positional = arena.add("positional_embedding", cfg.contextLength(), c).offset();
        transformer = new Transformer(arena, "transformer.", c, cfg.textLayers(), cfg.textHeads(), cfg.mlpRatio() * c);
        head = new TowerHead(arena, "ln_final", "text_projection", c, cfg.embedDim());
        end = arena.size();
    }

    final class Activations {
        final int batch;
        final boolean inPlace;
        final int[] tokens;
        final BlockActivations[] blocks;
        final TowerHead.Activations headActs;

        Activations(int batch, Precision precision, AttentionKind attention, Workspace ws, boolean inPlace) {
            this.batch = batch;
            this.inPlace = inPlace;
            int c = cfg.textWidth();
            int t = cfg.contextLength();
            tokens = new int[batch * t];
            blocks = new BlockActivations[transformer.blocks.length];
            int attn = transformer.blocks[0].attentionStateSize(attention, batch, t);
            for (int l = 0; l < blocks.length; l++) {
                blocks[l] = inPlace && l > 0 ? blocks[0]
                        : new BlockActivations(precision, batch * t, c, cfg.mlpRatio() * c, attn, ws);
            }
            headActs = new TowerHead.Activations(batch, c, cfg.embedDim());
        }

        long bytes() {
            long n = 4L * tokens.length + headActs.bytes();
            for (int l = 0; l < blocks.length; l++) {
                if (l == 0 || blocks[l] != blocks[0]) {
                    n += blocks[l].bytes();
                }
            }
            return n;
        }
    }

    void forward(Activations a, int[] tokens, int tokensOffset, StepContext cx) {
        int b = a.batch;
        int t = cfg.contextLength();
        int c = cfg.textWidth();
        System.arraycopy(tokens, tokensOffset, a.tokens, 0, b * t);
        float[] x0 = a.blocks[0].xIn.writeBuffer();
        Embedding.forward(x0, a.tokens, cx.master(), tokenEmbedding, b * t, cfg.vocabSize(), c);
        PositionalEmbedding.forward(x0, cx.master(), positional, b, t, c);
        a.blocks[0].xIn.commit(b * t * c);
        for (int i = 0; i < b; i++) {
            int best = 0;
            for (int j = 1; j < t; j++) {
                if (a.tokens[i * t + j] > a.tokens[i * t + best]) {
                    best = j;
                }
            }
            a.headActs.rowOf[i] = i * t + best;
        }
        float[] out = transformer.forward(a.blocks, b, t, true, a.inPlace, cx);
        head.forward(a.headActs, out, cx);
    }

    void backward(Activations a, float[] dFeatures, StepContext cx, GradientReadyListener listener) {
        int b = a.batch;
        int t = cfg.contextLength();
        int c = cfg.textWidth();
        float[] dres = cx.ws().dres;
        head.backward(a.headActs, dFeatures, dres, b * t, cx);
        listener.ready(head.start, head.end - head.start);
        transformer.backward(a.blocks, b, t, true, cx, listener);
        Embedding.backward(cx.grads(), tokenEmbedding, dres, a.tokens, b * t, c);
        PositionalEmbedding.backward(cx.grads(), positional, dres, b, t, c);
        listener.ready(start, transformer.blocks[0].start - start);
    }
}
