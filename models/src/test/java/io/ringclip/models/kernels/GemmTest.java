package io.ringclip.models.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The facade: kernel selection, argument validation, batched products, warm-up. */
@Timeout(60)
class GemmTest {

    @Test
    void shouldSelectVectorKernelWhenTheModuleIsLoaded() {
        // Surefire runs with --add-modules jdk.incubator.vector (parent pom).
        assertEquals(new VectorGemm().name(), Gemm.kernel().name());
    }

    @Test
    void shouldFallBackToReferenceWithAReasonWhenAsked() {
        String old = System.getProperty(GemmSelection.PROPERTY);
        System.setProperty(GemmSelection.PROPERTY, "reference");
        try {
            GemmSelection selection = GemmSelection.select();
            assertEquals("scalar-reference", selection.kernel().name());
            assertTrue(selection.fallbackReason().contains("ringclip.gemm=reference"), selection.fallbackReason());
        } finally {
            restore(old);
        }
    }

    @Test
    void shouldRejectUnknownKernelName() {
        String old = System.getProperty(GemmSelection.PROPERTY);
        System.setProperty(GemmSelection.PROPERTY, "cuda");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, GemmSelection::select);
            assertTrue(e.getMessage().contains("ringclip.gemm=cuda"), e.getMessage());
        } finally {
            restore(old);
        }
    }

    @Test
    void shouldRejectTooSmallLeadingDimensionWithKeyValueMessage() {
        float[] x = new float[100];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 4, 5, 6, x, 0, 5, x, 0, 5, x, 0, 5, false));
        assertEquals("leading dimension too small: matrix=A, ld=5, columns=6", e.getMessage());
    }

    @Test
    void shouldRejectSliceBeyondTheArray() {
        float[] small = new float[19];
        float[] big = new float[100];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(true, false, 4, 5, 4, big, 0, 4, big, 0, 5, small, 0, 5, false));
        assertEquals("slice exceeds array: matrix=C, offset=0, rows=4, columns=5, ld=5, end=20, length=19",
                e.getMessage());
    }

    @Test
    void shouldRejectNegativeSizes() {
        float[] x = new float[4];
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 1, 1, x, 0, 1, x, 0, 1, x, 0, 1, false));
    }

    @Test
    void shouldComputeEveryHeadOfABatchedProductLikeSeparateCalls() {
        // Attention scores S[b,h] = Q[b,h]·K[b,h]ᵀ with Q, K laid out [B, T, H, D] and S [B, H, T, T].
        int batches = 3, heads = 4, tokens = 17, headDim = 8, width = heads * headDim;
        Random random = new Random(5);
        float[] q = GemmOracle.random(random, batches * tokens * width);
        float[] k = GemmOracle.random(random, batches * tokens * width);
        float[] batched = new float[batches * heads * tokens * tokens];
        float[] separate = new float[batched.length];
        int oldThreads = Gemm.threads();
        Gemm.setThreads(2);
        try {
            Gemm.sgemmBatched(false, true, batches, heads, tokens, tokens, headDim,
                    q, 0, tokens * width, headDim, width,
                    k, 0, tokens * width, headDim, width,
                    batched, 0, heads * tokens * tokens, tokens * tokens, tokens, false);
        } finally {
            Gemm.setThreads(oldThreads);
        }
        ReferenceGemm reference = new ReferenceGemm();
        for (int b = 0; b < batches; b++) {
            for (int h = 0; h < heads; h++) {
                reference.sgemm(false, true, tokens, tokens, headDim,
                        q, b * tokens * width + h * headDim, width,
                        k, b * tokens * width + h * headDim, width,
                        separate, (b * heads + h) * tokens * tokens, tokens, false);
            }
        }
        for (int i = 0; i < batched.length; i++) {
            assertEquals(separate[i], batched[i], 1e-5f * Math.max(1f, Math.abs(separate[i])), "index=" + i);
        }
    }

    @Test
    void shouldRejectBatchedSliceBeyondTheArrayAtTheLastHead() {
        float[] x = new float[64];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemmBatched(false, false, 2, 2, 2, 2, 2,
                        x, 0, 16, 8, 2, x, 0, 16, 8, 2, x, 0, 32, 30, 2, false)); // last C head ends at 32+30+4 = 66 > 64
        assertTrue(e.getMessage().contains("matrix=C"), e.getMessage());
    }

    @Test
    void shouldWarmUpTheSelectedKernel() {
        GemmWarmUp.Report report = Gemm.warmUp();
        assertEquals(Gemm.kernel().name(), report.kernel());
        assertTrue(report.checkGflops() > 0, report.toString());
    }

    private static void restore(String old) {
        if (old == null) {
            System.clearProperty(GemmSelection.PROPERTY);
        } else {
            System.setProperty(GemmSelection.PROPERTY, old);
        }
    }
}
