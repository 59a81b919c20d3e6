package io.ringclip.models.kernels;

/** The plain triple loop: the oracle every fast kernel is tested against. Slow; single-threaded. */
public final class ReferenceGemm implements GemmKernel {

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k,
                      float[] a, int aOffset, int lda,
                      float[] b, int bOffset, int ldb,
                      float[] c, int cOffset, int ldc,
                      boolean accumulate) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOffset + p * lda + i] : a[aOffset + i * lda + p];
                    float bv = transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
                    sum += av * bv;
                }
                int ci = cOffset + i * ldc + j;
                c[ci] = accumulate ? c[ci] + sum : sum;
            }
        }
    }

    @Override
    public String name() {
        return "scalar-reference";
    }
}
