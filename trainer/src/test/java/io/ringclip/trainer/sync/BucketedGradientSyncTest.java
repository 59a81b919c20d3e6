package io.ringclip.trainer.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringclip.trainer.optim.ParamSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BucketedGradientSyncTest {

    /** Arena of five params: sizes 4, 4, 10, 2, 3 at offsets 0, 4, 8, 18, 20. */
    private static final List<ParamSpan> SPANS = List.of(
            new ParamSpan("p0", 0, 4, new int[] {4}),
            new ParamSpan("p1", 4, 4, new int[] {4}),
            new ParamSpan("p2", 8, 10, new int[] {10}),
            new ParamSpan("p3", 18, 2, new int[] {2}),
            new ParamSpan("p4", 20, 3, new int[] {3}));

    /** Records calls; futures complete when the test says so. */
    static final class FakeCollective implements GradientCollective {
        final List<int[]> calls = new ArrayList<>();
        final List<CompletableFuture<Void>> futures = new ArrayList<>();

        @Override
        public CompletableFuture<Void> allReduceSumAsync(float[] data, int offset, int length) {
            calls.add(new int[] {offset, length});
            CompletableFuture<Void> f = new CompletableFuture<>();
            futures.add(f);
            return f;
        }
    }

    @Test
    void shouldPackReverseOrderBucketsUpToTheCap() {
        BucketPlan plan = BucketPlan.of(SPANS, 8);
        // reverse walk: p4(3)+p3(2)=5 → +p2 would be 15 > 8 → new; p2 alone (10 > cap, own bucket); p1+p0 = 8
        assertEquals(List.of(new Bucket(0, 18, 23), new Bucket(1, 8, 18), new Bucket(2, 0, 8)), plan.buckets());
        assertEquals(23, plan.totalElements());
    }

    @Test
    void shouldSplitBucketsAtFrozenGaps() {
        BucketPlan plan = BucketPlan.of(List.of(SPANS.get(0), SPANS.get(1), SPANS.get(3), SPANS.get(4)), 100);
        assertEquals(List.of(new Bucket(0, 18, 23), new Bucket(1, 0, 8)), plan.buckets());
    }

    @Test
    void shouldLaunchBucketsInPlanOrderAsTheyBecomeReadyDuringBackward() {
        FakeCollective fake = new FakeCollective();
        BucketedGradientSync sync = new BucketedGradientSync(BucketPlan.of(SPANS, 8), fake, new float[23], true);
        sync.gradientsReady(8, 10);          // bucket 1 complete, but bucket 0 is not: nothing may launch
        assertEquals(0, fake.calls.size());
        sync.gradientsReady(20, 3);
        sync.gradientsReady(18, 2);          // bucket 0 complete → launches 0 and then 1
        assertEquals(2, fake.calls.size());
        assertEquals(18, fake.calls.get(0)[0]);
        assertEquals(8, fake.calls.get(1)[0]);
        sync.gradientsReady(0, 5);           // a slice straddling p0/p1: bucket 2 still missing 3 elements
        assertEquals(2, fake.calls.size());
        sync.gradientsReady(5, 3);
        assertEquals(3, fake.calls.size());
        assertEquals(3, sync.launchedCount());
        fake.futures.forEach(f -> f.complete(null));
        sync.finish();
    }

    @Test
    void shouldLaunchEverythingAtFinishWithoutOverlapAndResetPerPass() {
        FakeCollective fake = new FakeCollective();
        BucketedGradientSync sync = new BucketedGradientSync(BucketPlan.of(SPANS, 8), fake, new float[23], false);
        sync.gradientsReady(0, 23);
        assertEquals(0, fake.calls.size());
        CompletableFuture.runAsync(() -> {
            while (fake.futures.size() < 3) {
                Thread.onSpinWait();
            }
            fake.futures.forEach(f -> f.complete(null));
        });
        sync.finish();
        assertEquals(3, fake.calls.size());
        sync.begin();
        sync.gradientsReady(0, 23);
        assertEquals(0, sync.launchedCount());
    }

    @Test
    void shouldFailLoudlyOnDoubleReportAndPropagateCollectiveFailure() {
        FakeCollective fake = new FakeCollective();
        BucketedGradientSync sync = new BucketedGradientSync(BucketPlan.of(SPANS, 8), fake, new float[23], true);
        sync.gradientsReady(18, 5);
        assertThrows(IllegalStateException.class, () -> sync.gradientsReady(18, 2));
        BucketedGradientSync other = new BucketedGradientSync(BucketPlan.of(SPANS, 100), fake, new float[23], true);
        int before = fake.futures.size();
        other.gradientsReady(0, 23);
        fake.futures.get(before).completeExceptionally(new IllegalStateException("peer lost"));
        IllegalStateException e = assertThrows(IllegalStateException.class, other::finish);
        assertEquals("peer lost", e.getMessage());
    }
}
