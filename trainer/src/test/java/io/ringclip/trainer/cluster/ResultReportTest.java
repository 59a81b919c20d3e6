package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How rank 0's result report treats a refusing, an unreachable and a healthy coordinator. */
@Timeout(10) // a refused report that retried would run into the hour-long deadline: fail, don't hang
class ResultReportTest {

    private static final ResultReport.FinalProgress PROGRESS = new ResultReport.FinalProgress(40, 1.25, 300);
    private static final Duration PAUSE = Duration.ofMillis(1);

    /** Records calls; the first {@code failures} result calls throw {@code error}. */
    private static final class FakeCoordinator implements ResultReport.Coordinator {
        final List<String> calls = new ArrayList<>();
        final RuntimeException error;
        int failures;

        FakeCoordinator(RuntimeException error, int failures) {
            this.error = error;
            this.failures = failures;
        }

        @Override
        public void reportProgress(long step, double loss, double samplesPerSecond) {
            calls.add("progress " + step);
        }

        @Override
        public void reportResult(String summary) {
            calls.add("result " + summary);
            if (failures > 0) {
                failures--;
                throw error;
            }
        }
    }

    @Test
    void shouldStopAtOnceWhenTheCoordinatorSaysTheJobIsNoLongerActive() {
        FakeCoordinator c = new FakeCoordinator(Status.FAILED_PRECONDITION.withDescription("job is not the active job")
                .asRuntimeException(), Integer.MAX_VALUE);
        List<String> log = new ArrayList<>();
        long farDeadline = System.nanoTime() + Duration.ofHours(1).toNanos();

        assertEquals(ResultReport.Outcome.REFUSED, ResultReport.send(c, PROGRESS, "steps=40", farDeadline, PAUSE, log::add));
        assertEquals(List.of("progress 40", "result steps=40"), c.calls, "one attempt, no retries");
        assertTrue(log.getFirst().contains("not accepted"), log.toString());
    }

    @Test
    void shouldRetryWhileTheCoordinatorIsUnreachableAndResendTheProgressFirst() {
        FakeCoordinator c = new FakeCoordinator(Status.UNAVAILABLE.asRuntimeException(), 2);
        long farDeadline = System.nanoTime() + Duration.ofHours(1).toNanos();

        assertEquals(ResultReport.Outcome.ACCEPTED, ResultReport.send(c, PROGRESS, "steps=40", farDeadline, PAUSE, s -> {}));
        assertEquals(List.of("progress 40", "result steps=40", "progress 40", "result steps=40", "progress 40",
                "result steps=40"), c.calls);
    }

    @Test
    void shouldFailLoudlyOnceTheDeadlineHasPassed() {
        FakeCoordinator c = new FakeCoordinator(Status.UNAVAILABLE.withDescription("connection refused").asRuntimeException(),
                Integer.MAX_VALUE);
        long deadline = System.nanoTime() + Duration.ofMillis(50).toNanos();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ResultReport.send(c, PROGRESS, "steps=40", deadline, PAUSE, s -> {}));
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void shouldSkipTheProgressWhenNoStepHadAFiniteLoss() {
        FakeCoordinator c = new FakeCoordinator(null, 0);
        ResultReport.send(c, new ResultReport.FinalProgress(0, Double.NaN, 0), "steps=0", System.nanoTime(), PAUSE, s -> {});
        assertEquals(List.of("result steps=0"), c.calls);
    }
}
