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
 *   big1  [R·F]  16-bit only: MLP pre-activation u unpacked (MLP half of a block), then qkv unpacked
 *                (attention half); the image tower's ln_pre input before/after the blocks
 *   big2  [R·F]  GELU output g, then its gradient (MLP half), then the qkv gradient [R·3C] (attention half)
 * </pre>
 * The attention and MLP halves of a block never need their big buffers at the same time, so qkv and its
 * gradient share the F-wide buffers (F ≥ 3C for every mlpRatio ≥ 3).
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
    final float[] big1;
    final float[] big2;

    Workspace(int rows, int width, int mlpWidth, Precision precision, boolean training) {
        this.rows = rows;
        this.width = width;
        this.mlpWidth = mlpWidth;
        this.precision = precision;
        int rc = Math.multiplyExact(rows, width);
        int rf = Math.multiplyExact(rows, mlpWidth);
        boolean low = precision.isLow();
        this.a = new float[rc];
        this.b = new float[rc];
        this.c = new float[rc];
        this.dres = training ? new float[rc] : null;
        this.big1 = low ? new float[Math.max(rf, 3 * rc)] : null;
        this.big2 = new float[Math.max(rf, training ? 3 * rc : 0)];
    }

    long bytes() {
        long n = 0;
        for (float[] x : new float[][] {a, b, c, dres, big1, big2}) {
            n += x == null ? 0 : 4L * x.length;
        }
        return n;
    }
}
