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
 *   qkv   [R·3C] 16-bit only: qkv unpacked
 *   dqkv  [R·3C] gradient of qkv
 *   big1  [R·F]  16-bit only: MLP pre-activation u unpacked
 *   big2  [R·F]  GELU output g, then its gradient
 * </pre>
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
    final float[] qkv;
    final float[] dqkv;
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
        this.qkv = low ? new float[3 * rc] : null;
        this.dqkv = training ? new float[3 * rc] : null;
        this.big1 = low ? new float[rf] : null;
        this.big2 = new float[rf];
    }

    boolean fits(int rows, int width, int mlpWidth, Precision precision, boolean training) {
        return this.rows >= rows && this.width >= width && this.mlpWidth >= mlpWidth && this.precision == precision
                && (!training || dres != null);
    }

    long bytes() {
        long n = 0;
        for (float[] x : new float[][] {a, b, c, dres, qkv, dqkv, big1, big2}) {
            n += x == null ? 0 : 4L * x.length;
        }
        return n;
    }
}
