package io.ringclip.models.model;

import io.ringclip.models.nn.Attention;
import io.ringclip.models.nn.FlashAttention;
import io.ringclip.models.nn.Gelu;
import io.ringclip.models.nn.LayerNorm;
import io.ringclip.models.nn.Linear;
import io.ringclip.models.tensor.Parallel;
import io.ringclip.models.tensor.ParameterArena;

import java.util.Arrays;

/**
 * open_clip's {@code ResidualAttentionBlock} (pre-LN):
 * <pre>
 *   x = x + out_proj(attn(in_proj(ln_1(x))))
 *   x = x + c_proj(gelu(c_fc(ln_2(x))))
 * </pre>
 * Parameters, contiguous in the arena in this order (C width, F = mlpRatio·C):
 * {@code ln_1.weight [C], ln_1.bias [C], attn.in_proj_weight [3C, C], attn.in_proj_bias [3C],
 * attn.out_proj.weight [C, C], attn.out_proj.bias [C], ln_2.weight [C], ln_2.bias [C],
 * mlp.c_fc.weight [F, C], mlp.c_fc.bias [F], mlp.c_proj.weight [C, F], mlp.c_proj.bias [C]}.
 */
final class TransformerBlock {

    final int width;
    final int heads;
    final int mlpWidth;
    final int start;
    final int end;
    final int ln1w;
    final int ln1b;
    final int inW;
    final int inB;
    final int outW;
    final int outB;
    final int ln2w;
    final int ln2b;
    final int fcW;
    final int fcB;
    final int projW;
    final int projB;

    TransformerBlock(ParameterArena.Builder arena, String prefix, int width, int heads, int mlpWidth) {
        this.width = width;
        this.heads = heads;
        this.mlpWidth = mlpWidth;
        this.start = arena.size();
        ln1w = arena.add(prefix + "ln_1.weight", width).offset();
        ln1b = arena.add(prefix + "ln_1.bias", width).offset();
        inW = arena.add(prefix + "attn.in_proj_weight", 3 * width, width).offset();
        inB = arena.add(prefix + "attn.in_proj_bias", 3 * width).offset();
        outW = arena.add(prefix + "attn.out_proj.weight", width, width).offset();
        outB = arena.add(prefix + "attn.out_proj.bias", width).offset();
        ln2w = arena.add(prefix + "ln_2.weight", width).offset();
        ln2b = arena.add(prefix + "ln_2.bias", width).offset();
        fcW = arena.add(prefix + "mlp.c_fc.weight", mlpWidth, width).offset();
        fcB = arena.add(prefix + "mlp.c_fc.bias", mlpWidth).offset();
        projW = arena.add(prefix + "mlp.c_proj.weight", width, mlpWidth).offset();
        projB = arena.add(prefix + "mlp.c_proj.bias", width).offset();
        this.end = arena.size();
    }

    /** Attention state floats per block: probabilities (PLAIN) or log-sum-exp (FLASH). */
    int attentionStateSize(AttentionKind kind, int batch, int tokens) {
        return kind == AttentionKind.PLAIN ? batch * heads * tokens * tokens : batch * heads * tokens;
    }

    /**
     * Reads the block input from {@code act.xIn.writeBuffer()} (already committed), writes the block
     * output to {@code xOut} (which may be that same buffer: the input is dead by then).
     */
    void forward(BlockActivations act, float[] xOut, int batch, int tokens, boolean causal, StepContext cx) {
        Workspace ws = cx.ws();
        int n = batch * tokens;
        int c = width;
        int f = mlpWidth;
        int d = c / heads;
        float[] w = cx.weights(start, end);
        int s = cx.shift(start);
        float[] m = cx.master();
        float[] x = act.xIn.writeBuffer();

        float[] h1 = ws.b;
        LayerNorm.forward(h1, act.mean1, act.rstd1, x, m, ln1w, m, ln1b, n, c, cx.threads());
        cx.roundActivation(h1, n * c);
        float[] qkv = act.qkv.writeBuffer();
        Linear.forward(qkv, h1, w, inW - s, w, inB - s, n, c, 3 * c);
        act.qkv.commit(n * 3 * c);

        float[] o = act.o.writeBuffer();
        if (cx.attention() == AttentionKind.PLAIN) {
            Attention.forward(o, act.attn, qkv, batch, tokens, heads, d, causal, cx.threads());
        } else {
            FlashAttention.forward(o, act.attn, qkv, batch, tokens, heads, d, causal, cx.threads());
        }
        act.o.commit(n * c);

        float[] xm = act.xMid.writeBuffer();
        Linear.forwardResidual(xm, o, w, outW - s, w, outB - s, x, n, c, c);
        act.xMid.commit(n * c);

        float[] h2 = ws.c;
        LayerNorm.forward(h2, act.mean2, act.rstd2, xm, m, ln2w, m, ln2b, n, c, cx.threads());
        cx.roundActivation(h2, n * c);
        float[] u = act.u.writeBuffer();
        Linear.forward(u, h2, w, fcW - s, w, fcB - s, n, c, f);
        act.u.commit(n * f);
        float[] g = ws.big; // in 16-bit, u's write buffer: GELU runs in place
        Gelu.forward(g, u, n * f, cx.threads());
        cx.roundActivation(g, n * f);
        Linear.forwardResidual(xOut, g, w, projW - s, w, projB - s, xm, n, f, c);
    }

    /**
     * On entry {@code ws.dres} holds ∂L/∂(block output); on exit ∂L/∂(block input). Parameter
     * gradients are accumulated into {@code cx.grads()} over {@code [start, end)}.
     */
    void backward(BlockActivations act, int batch, int tokens, boolean causal, StepContext cx) {
        Workspace ws = cx.ws();
        int n = batch * tokens;
        int c = width;
        int f = mlpWidth;
        int d = c / heads;
        float[] w = cx.weights(start, end);
        int s = cx.shift(start);
        float[] m = cx.master();
        float[] gr = cx.grads();
        float[] dres = ws.dres;

        // MLP branch: xOut = xMid + c_proj(gelu(c_fc(ln_2(xMid))))
        // fp32: u is dead after this block's backward, so the recomputation leaves gelu'(u) in its place
        // (one erf/exp pass instead of two). 16-bit: u is decoded block by block, never unpacked whole.
        float[] uFull = act.u.floats();
        float[] g = ws.big;
        if (uFull != null) {
            Gelu.forwardKeepingDerivative(g, uFull, n * f, cx.threads());
        } else {
            Gelu.forward(g, act.u, n * f, cx.threads());
        }
        cx.roundActivation(g, n * f);
        Linear.backwardWeights(gr, projW, gr, projB, dres, g, n, f, c);
        float[] dg = ws.big;
        Linear.backwardInput(dg, false, dres, w, projW - s, n, f, c);
        cx.roundGradient(dg, n * f);
        if (uFull != null) {
            Gelu.backwardFromDerivative(dg, dg, uFull, n * f, cx.threads());
        } else {
            Gelu.backward(dg, false, dg, act.u, n * f, cx.threads());
        }
        float[] xm = act.xMid.read(ws.b, n * c);
        float[] h2 = ws.c;
        LayerNorm.recompute(h2, xm, act.mean2, act.rstd2, m, ln2w, m, ln2b, n, c, cx.threads());
        cx.roundActivation(h2, n * c);
        Linear.backwardWeights(gr, fcW, gr, fcB, dg, h2, n, c, f);
        float[] dh2 = ws.c;
        Linear.backwardInput(dh2, false, dg, w, fcW - s, n, c, f);
        cx.roundGradient(dh2, n * c);
        LayerNorm.backward(dres, gr, ln2w, gr, ln2b, dh2, xm, act.mean2, act.rstd2, m, ln2w, n, c, cx.threads());

        // attention branch: xMid = xIn + out_proj(attn(in_proj(ln_1(xIn))))
        float[] o = act.o.read(ws.c, n * c);
        Linear.backwardWeights(gr, outW, gr, outB, dres, o, n, c, c);
        float[] dO = ws.b;
        Linear.backwardInput(dO, false, dres, w, outW - s, n, c, c);
        cx.roundGradient(dO, n * c);
        float[] dqkv = ws.big; // du is dead: the MLP half is done
        Parallel.forRange(n * 3 * c, cx.threads(), (from, to, worker) -> Arrays.fill(dqkv, from, to, 0f));
        if (cx.attention() == AttentionKind.PLAIN) {
            Attention.backward(dqkv, dO, act.qkv, act.attn, batch, tokens, heads, d, causal, cx.threads());
        } else {
            FlashAttention.backward(dqkv, dO, o, act.attn, act.qkv, batch, tokens, heads, d, causal, cx.threads());
        }
        cx.roundGradient(dqkv, n * 3 * c);
        float[] x = act.xIn.read(ws.a, n * c);
        float[] h1 = ws.b;
        LayerNorm.recompute(h1, x, act.mean1, act.rstd1, m, ln1w, m, ln1b, n, c, cx.threads());
        cx.roundActivation(h1, n * c);
        Linear.backwardWeights(gr, inW, gr, inB, dqkv, h1, n, c, 3 * c);
        float[] dh1 = ws.b;
        Linear.backwardInput(dh1, false, dqkv, w, inW - s, n, c, 3 * c);
        cx.roundGradient(dh1, n * c);
        LayerNorm.backward(dres, gr, ln1w, gr, ln1b, dh1, x, act.mean1, act.rstd1, m, ln1w, n, c, cx.threads());
    }
}
