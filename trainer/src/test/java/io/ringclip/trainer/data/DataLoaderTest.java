package io.ringclip.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DataLoaderTest {

    private static final int IMAGE_SIZE = 8;
    private static final int CONTEXT = 48;

    private static LoaderOptions.Builder options(int rank, int worldSize, int batchPerRank) {
        return LoaderOptions.builder().rank(rank, worldSize).batchPerRank(batchPerRank).seed(7)
                .image(IMAGE_SIZE, 3).contextLength(CONTEXT).decodeThreads(2).prefetchBatches(2);
    }

    @Test
    void shouldGiveTwoRanksTheSamplesOfOneRankWithTheDoubleBatch() {
        DataSource source = new SyntheticCaptions(Split.TRAIN, 40, IMAGE_SIZE, 3, 1);
        ByteTokenizer tokenizer = new ByteTokenizer();
        try (DataLoader single = DataLoader.open(source, tokenizer, options(0, 1, 8).build());
                DataLoader rank0 = DataLoader.open(source, tokenizer, options(0, 2, 4).build());
                DataLoader rank1 = DataLoader.open(source, tokenizer, options(1, 2, 4).build())) {
            for (int step = 0; step < 12; step++) { // 5 global batches per epoch: crosses two epochs
                Batch expected = single.next();
                Batch a = rank0.next();
                Batch b = rank1.next();
                assertEquals(4, a.size());
                assertEquals(4, b.size());
                assertArrayEquals(expected.images(), concat(a.images(), b.images()), "step " + step);
                assertArrayEquals(expected.tokens(), concat(a.tokens(), b.tokens()), "step " + step);
                assertArrayEquals(expected.labels(), concat(a.labels(), b.labels()), "step " + step);
                assertEquals(single.position(), rank0.position());
            }
        }
    }

    @Test
    void shouldResumeMidEpochWithExactlyTheSameBatches() {
        DataSource source = new SyntheticCaptions(Split.TRAIN, 30, IMAGE_SIZE, 3, 2);
        ByteTokenizer tokenizer = new ByteTokenizer();
        List<Batch> reference = new ArrayList<>();
        LoaderPosition afterThree;
        try (DataLoader loader = DataLoader.open(source, tokenizer, options(0, 1, 4).build())) {
            for (int i = 0; i < 3; i++) {
                loader.next();
            }
            afterThree = loader.position();
            for (int i = 0; i < 8; i++) { // 7 batches per epoch: continues into epoch 1
                reference.add(loader.next());
            }
        }
        assertEquals(new LoaderPosition(0, 12), afterThree);
        try (DataLoader resumed = DataLoader.open(source, tokenizer, options(0, 1, 4).build())) {
            resumed.next(); // consume something first: seek must drop prefetched batches
            resumed.seek(afterThree);
            assertEquals(afterThree, resumed.position());
            for (Batch expected : reference) {
                Batch actual = resumed.next();
                assertArrayEquals(expected.images(), actual.images());
                assertArrayEquals(expected.tokens(), actual.tokens());
                assertArrayEquals(expected.labels(), actual.labels());
            }
            assertEquals(1, resumed.position().epoch());
        }
    }

    @Test
    void shouldTokeniseCaptionsAndNormaliseImages() {
        SyntheticCaptions source = new SyntheticCaptions(Split.TRAIN, 10, IMAGE_SIZE, 3, 3);
        ByteTokenizer tokenizer = new ByteTokenizer();
        LoaderOptions opts = options(0, 1, 10).preprocessing(TestImages.unnormalised(IMAGE_SIZE, 3)).build();
        try (DataLoader loader = DataLoader.open(source, tokenizer, opts)) {
            Batch batch = loader.next();
            int[] order = new DistributedSampler(10, 0, 1, 10, 7, true).plan(LoaderPosition.START).datasetIndices();
            for (int slot = 0; slot < 10; slot++) {
                Example example = source.get(order[slot]);
                int[] tokens = Arrays.copyOfRange(batch.tokens(), slot * CONTEXT, (slot + 1) * CONTEXT);
                assertArrayEquals(tokenizer.encode(example.caption(), CONTEXT), tokens);
                assertEquals(example.label(), batch.labels()[slot]);
                float[] pixels = ((RawImage) example.image()).pixels();
                float[] image = Arrays.copyOfRange(batch.images(), slot * pixels.length, (slot + 1) * pixels.length);
                assertArrayEquals(pixels, image, 1e-6f); // same size: resampling is the identity
            }
        }
    }

    @Test
    void shouldReplaceABadSampleWithTheNextIndexAndCountIt() {
        DataSource good = new SyntheticCaptions(Split.TRAIN, 6, IMAGE_SIZE, 3, 4);
        DataSource withBad = new FilteringSource(good, 2);
        ByteTokenizer tokenizer = new ByteTokenizer();
        LoaderOptions opts = options(0, 1, 6).preprocessing(TestImages.unnormalised(IMAGE_SIZE, 3)).build();
        try (DataLoader loader = DataLoader.open(withBad, tokenizer, opts)) {
            Batch batch = loader.next();
            int[] order = new DistributedSampler(6, 0, 1, 6, 7, true).plan(LoaderPosition.START).datasetIndices();
            int slot = indexOf(order, 2);
            int[] expected = tokenizer.encode(good.get(3).caption(), CONTEXT);
            assertArrayEquals(expected, Arrays.copyOfRange(batch.tokens(), slot * CONTEXT, (slot + 1) * CONTEXT));
            assertTrue(loader.skippedCount() >= 1, "skipped=" + loader.skippedCount());
        }
    }

    @Test
    void shouldFailNextWithATimeoutWhenDecodingStalls() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        DataSource stalled = new FilteringSource(new SyntheticCaptions(Split.TRAIN, 4, IMAGE_SIZE, 3, 5), -1) {
            @Override
            public Example get(int index) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.get(index);
            }
        };
        LoaderOptions opts = options(0, 1, 2).nextTimeout(Duration.ofMillis(200)).build();
        try (DataLoader loader = DataLoader.open(stalled, new ByteTokenizer(), opts)) {
            DataLoaderTimeoutException e = assertThrows(DataLoaderTimeoutException.class, loader::next);
            assertTrue(e.getMessage().contains("timeoutMs=200"), e.getMessage());
            release.countDown();
            assertEquals(2, loader.next().size()); // the same batch arrives once decoding resumes
        }
    }

    @Test
    void shouldClipTheShortFinalBatchWhenNotDroppingLast() {
        DataSource source = new SyntheticCaptions(Split.TEST, 10, IMAGE_SIZE, 3, 6);
        try (DataLoader rank1 = DataLoader.open(source, new ByteTokenizer(), options(1, 2, 3).dropLast(false).build())) {
            assertEquals(2, rank1.batchesPerEpoch());
            assertEquals(3, rank1.next().size()); // global positions 3..5
            Batch last = rank1.next(); // global batch holds positions 6..9; rank 1 gets 9 only
            assertEquals(1, last.size());
            assertEquals(3 * IMAGE_SIZE * IMAGE_SIZE, last.images().length);
            assertEquals(new LoaderPosition(1, 0), rank1.position());
        }
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new AssertionError("missing " + value);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Delegates to another source but reports index {@code badIndex} as a bad sample. */
    static class FilteringSource implements DataSource {
        private final DataSource delegate;
        private final int badIndex;

        FilteringSource(DataSource delegate, int badIndex) {
            this.delegate = delegate;
            this.badIndex = badIndex;
        }

        @Override
        public int size() {
            return delegate.size();
        }

        @Override
        public Example get(int index) {
            if (index == badIndex) {
                throw new BadSampleException("test bad sample: index=" + index);
            }
            return delegate.get(index);
        }

        @Override
        public String describe() {
            return "filtering(" + delegate.describe() + ")";
        }
    }
}
