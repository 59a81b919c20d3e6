package io.ringclip.models.model;

import io.ringclip.models.nn.LayerNorm;
import io.ringclip.models.nn.Linear;
import io.ringclip.models.nn.PatchDropout;
import io.ringclip.models.nn.PatchEmbedding;
import io.ringclip.models.nn.PositionalEmbedding;
import io.ringclip.models.tensor.ParameterArena;
import io.ringclip.models.tensor.Precision;
import io.ringclip.models.tensor.SavedActivation;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * open_clip's {@code VisionTransformer} (B batch, Cin channels, P patches, K kept patches, T = 1+K tokens,
 * C width, E embedding):
 * <pre>
 *   images [B, Cin, H, W] → conv1 (no bias) → [B, P, C] → prepend class_embedding → + positional_embedding
 *   → patch dropout (FLIP, optional) → ln_pre → resblocks → ln_post(class token) → · proj → L2 normalise
 * </pre>
 * Arena range, in order: {@code visual.conv1.weight [C, Cin, p, p], visual.class_embedding [C],
 * visual.positional_embedding [1+P, C], visual.ln_pre.*, visual.transformer.resblocks.*, visual.ln_post.*,
 * visual.proj [C, E]}.
 */
final class VisionTower {

    final ModelConfig cfg;
    final int start;
    final int conv1;
    final int classEmbedding;
    final int positional;
    final int lnPreW;
    final int lnPreB;
    final Transformer transformer;
    final TowerHead head;
    final int end;

    VisionTower(ParameterArena.Builder arena, ModelConfig cfg) {
        this.cfg = cfg;
        int c = cfg.visionWidth();
        int p = cfg.patchSize();
        start = arena.size();
        conv1 = arena.add("visual.conv1.weight", c, cfg.channels(), p, p).offset();
        classEmbedding = arena.add("visual.class_embedding", c).offset();
        positional = arena.add("visual.positional_embedding", cfg.visionTokens(), c).offset();
        lnPreW = arena.add("visual.ln_pre.weight", c).offset();
        lnPreB = arena.add("visual.ln_pre.bias", c).offset();
        transformer = new Transformer(arena, "visual.transformer.", c, cfg.visionLayers(), cfg.visionHeads(),
                cfg.mlpRatio() * c);
        head = new TowerHead(arena, "visual.ln_post", "visual.proj", c, cfg.embedDim());
        end = arena.size();
    }

    int patchColumns() {
        return cfg.channels() * cfg.patchSize() * cfg.patchSize();
    }

    /** Everything one forward of this tower keeps. */
    final class Activations {
        final int batch;
        final int kept;
        final int tokens;
        final boolean inPlace;
        final SavedActivation patches;
        final SavedActivation lnPreIn;
        final float[] preMean;
        final float[] preRstd;
        final int[] keptIndex;
        final BlockActivations[] blocks;
        final TowerHead.Activations headActs;

        Activations(int batch, int kept, Precision precision, AttentionKind attention, Workspace ws, boolean inPlace) {
            this.batch = batch;
            this.kept = kept;
            this.tokens = 1 + kept;
            this.inPlace = inPlace;
            int c = cfg.visionWidth();
            int rows = batch * tokens;
            int patchElems = batch * cfg.patches() * patchColumns();
            patches = new SavedActivation(precision, patchElems, precision.isLow() ? new float[patchElems] : null);
            lnPreIn = new SavedActivation(precision, rows * c, ws.big);
            preMean = new float[rows];
            preRstd = new float[rows];
            keptIndex = new int[batch * kept];
            blocks = new BlockActivations[transformer.blocks.length];
            int attn = transformer.blocks[0].attentionStateSize(attention, batch, tokens);
            for (int l = 0; l < blocks.length; l++) {
                blocks[l] = inPlace && l > 0 ? blocks[0]
                        : new BlockActivations(precision, rows, c, cfg.mlpRatio() * c, attn, ws);
            }
            headActs = new TowerHead.Activations(batch, c, cfg.embedDim());
            for (int b = 0; b < batch; b++) {
                headActs.rowOf[b] = b * tokens;
            }
        }

        long bytes() {
            long n = patches.bytes() + lnPreIn.bytes() + 8L * preMean.length + 4L * keptIndex.length + headActs.bytes();
            for (int l = 0; l < blocks.length; l++) {
                if (l == 0 || blocks[l] != blocks[0]) {
                    n += blocks[l].bytes();
                }
            }
            return n;
        }
    }

    void forward(Activations a, float[] images, RandomGenerator rng, StepContext cx) {
        Workspace ws = cx.ws();
        int b = a.batch;
        int np = cfg.patches();
        int t0 = 1 + np;
        int c = cfg.visionWidth();
        int k = patchColumns();
        float[] m = cx.master();

        float[] patches = a.patches.writeBuffer();
        PatchEmbedding.im2col(patches, images, b, cfg.channels(), cfg.imageSize(), cfg.imageSize(), cfg.patchSize());
        a.patches.commit(b * np * k);
        float[] emb = ws.b;
        int conv1End = conv1 + c * k;
        Linear.forward(emb, patches, cx.weights(conv1, conv1End), conv1 - cx.shift(conv1), null, 0, b * np, k, c);

        boolean dropout = a.kept < np;
        float[] x0 = dropout ? ws.c : a.lnPreIn.writeBuffer();
        for (int i = 0; i < b; i++) {
            int xo = i * t0 * c;
            System.arraycopy(m, classEmbedding, x0, xo, c);
            System.arraycopy(emb, i * np * c, x0, xo + c, np * c);
        }
        PositionalEmbedding.forward(x0, m, positional, b, t0, c);
        if (dropout) {
            PatchDropout.forward(a.lnPreIn.writeBuffer(), a.keptIndex, x0, rng, b, np, a.kept, c);
        }
        int rows = b * a.tokens;
        a.lnPreIn.commit(rows * c);
        float[] xIn = a.blocks[0].xIn.writeBuffer();
        LayerNorm.forward(xIn, a.preMean, a.preRstd, a.lnPreIn.writeBuffer(), m, lnPreW, m, lnPreB, rows, c, cx.threads());
        a.blocks[0].xIn.commit(rows * c);

        float[] out = transformer.forward(a.blocks, b, a.tokens, false, a.inPlace, cx);
        head.forward(a.headActs, out, cx);
    }

    void backward(Activations a, float[] dFeatures, StepContext cx, GradientReadyListener listener) {
        Workspace ws = cx.ws();
        int b = a.batch;
        int np = cfg.patches();
        int t0 = 1 + np;
        int c = cfg.visionWidth();
        int k = patchColumns();
        int rows = b * a.tokens;
        float[] gr = cx.grads();

        head.backward(a.headActs, dFeatures, ws.dres, rows, cx);
        listener.ready(head.start, head.end - head.start);
        transformer.backward(a.blocks, b, a.tokens, false, cx, listener);

        float[] x1 = a.lnPreIn.read(ws.big, rows * c);
        float[] dx1 = ws.b;
        Arrays.fill(dx1, 0, rows * c, 0f);
        LayerNorm.backward(dx1, gr, lnPreW, gr, lnPreB, ws.dres, x1, a.preMean, a.preRstd, cx.master(), lnPreW,
                rows, c, cx.threads());
        float[] dx0 = dx1;
        if (a.kept < np) {
            dx0 = ws.c;
            Arrays.fill(dx0, 0, b * t0 * c, 0f);
            PatchDropout.backward(dx0, dx1, a.keptIndex, b, np, a.kept, c);
        }
        float[] demb = ws.a;
        for (int i = 0; i < b; i++) {
            int xo = i * t0 * c;
            for (int j = 0; j < c; j++) {
                gr[classEmbedding + j] += dx0[xo + j];
            }
            System.arraycopy(dx0, xo + c, demb, i * np * c, np * c);
        }
        PositionalEmbedding.backward(gr, positional, dx0, b, t0, c);
        float[] patches = a.patches.read(a.patches.writeBuffer(), b * np * k);
        Linear.backwardWeights(gr, conv1, null, 0, demb, patches, b * np, k, c);
        listener.ready(start, transformer.blocks[0].start - start);
    }
}
