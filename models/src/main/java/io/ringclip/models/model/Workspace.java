package io.ringclip.models.model;

import io.ringclip.models.tensor.Precision;

/**
 * Scratch shared by both towers and all blocks of one model for one (rows, precision) shape; reused
 * across steps so the hot loop allocates nothing. Capacities are in elements of the largest tower:
 * R = max rows (batch · tokens), C = max width, F = mlpRatio · C.
 *
 * <pre>
 *   a     [R·C]  16-bit mode: block input xIn unpacked; both modes: last block's output
 *   b     [R·C]  LN1 output h1 / 16-bit xMid / attention output gradient
 *   c     [R·C]  LN2 output h2 / 16-bit o / gradients through LN2
 *   dres  [R·C]  gradient of the residual stream
 *   big   [R·max(F, 3C)]  forward: 16-bit write buffer of qkv (attention half), then of u, which GELU
 *                overwrites in place with g (MLP half); the image tower's 16-bit ln_pre input.
 *                backward: g, then its gradient (MLP half), then the qkv gradient [R·3C] (attention half)
 * </pre>
 * The attention and MLP halves of a block never need the big buffer at the same time. Saved 16-bit
 * tensors are never unpacked whole in backward: GELU and attention decode them piece by piece (a
 * second [R·F] unpack buffer cost 25 MiB, a third of the 16-bit step's scratch, for tiny at batch 256).
 */
final class Workspace {

    final int rows;
    final int width;
    final int mlpWidth;
    final Precision precision;
    final float[] a;
    final float[] b;
    final float[] c;
    final float[] dres;
    final float[] big;

    Workspace(int rows, int width, int mlpWidth, Precision precision, boolean training) {
        this.rows = rows;
        this.width = width;
        this.mlpWidth = mlpWidth;
        this.precision = precision;
        int rc = Math.multiplyExact(rows, width);
        int rf = Math.multiplyExact(rows, mlpWidth);
        this.a = new float[rc];
        this.b = new float[rc];
        this.c = new float[rc];
        this.dres = training ? new float[rc] : null;
        this.big = new float[Math.max(rf, training || precision.isLow() ? 3 * rc : 0)];
    }

    long bytes() {
        long n = 0;
        for (float[] x : new float[][] {a, b, c, dres, big}) {
            n += x == null ? 0 : 4L * x.length;
        }
        return n;
    }
}
