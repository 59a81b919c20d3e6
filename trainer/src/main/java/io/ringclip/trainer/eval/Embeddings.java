package io.ringclip.trainer.eval;

/**
 * Row-major embedding matrices {@code [N, E]} as flat float arrays, and the two operations the
 * metrics need: L2-normalising rows and ranking a target among candidates.
 */
public final class Embeddings {

    private Embeddings() {}

    /** Rows of {@code matrix} ({@code [rows, dim]}) scaled to unit length; zero rows stay zero. */
    public static float[] normaliseRows(float[] matrix, int dim) {
        requireShape(matrix, dim, "matrix");
        float[] out = matrix.clone();
        for (int row = 0; row < matrix.length / dim; row++) {
            double sumSquares = 0;
            for (int e = 0; e < dim; e++) {
                float v = out[row * dim + e];
                sumSquares += (double) v * v;
            }
            if (sumSquares > 0) {
                float scale = (float) (1 / Math.sqrt(sumSquares));
                for (int e = 0; e < dim; e++) {
                    out[row * dim + e] *= scale;
                }
            }
        }
        return out;
    }

    /** Dot product of row {@code a} of {@code left} with row {@code b} of {@code right}. */
    static float dot(float[] left, int a, float[] right, int b, int dim) {
        float sum = 0;
        int offsetA = a * dim;
        int offsetB = b * dim;
        for (int e = 0; e < dim; e++) {
            sum += left[offsetA + e] * right[offsetB + e];
        }
        return sum;
    }

    /**
     * 0-based rank of candidate {@code target} when candidates are sorted by descending score,
     * ties broken by lower index first (as a stable argsort would): the number of candidates
     * scoring higher, plus those scoring equal with a lower index.
     */
    static int rankOf(float[] scores, int target) {
        float targetScore = scores[target];
        int rank = 0;
        for (int i = 0; i < scores.length; i++) {
            if (scores[i] > targetScore || (scores[i] == targetScore && i < target)) {
                rank++;
            }
        }
        return rank;
    }

    static void requireShape(float[] matrix, int dim, String name) {
        if (dim <= 0 || matrix.length % dim != 0) {
            throw new IllegalArgumentException("embedding shape mismatch: name=" + name + ", length=" + matrix.length
                    + ", dim=" + dim);
        }
    }
}
