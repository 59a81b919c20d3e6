package io.ringclip.trainer.cluster;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Rank 0's report of a finished job: the last step's progress again, then the result. Retries
 * while the coordinator is unreachable (e.g. restarting) until the deadline; gives up at once when
 * the coordinator refuses because the job is no longer active (FAILED_PRECONDITION, e.g. another
 * rank 0 of a later generation already finished it), since retrying cannot change that. The
 * progress goes first because reports dropped while a restarted coordinator was down would
 * otherwise leave the finished job at an old step.
 */
final class ResultReport {

    /** What the report sends; the worker's {@code CoordinatorClient} in production. */
    interface Coordinator {
        void reportProgress(long step, double loss, double samplesPerSecond);

        void reportResult(String summary);
    }

    /** The last step's progress, sent again just before the result. */
    record FinalProgress(long step, double loss, double samplesPerSecond) {}

    enum Outcome {
        /** The coordinator recorded the result. */
        ACCEPTED,
        /** The coordinator refused it: the job is no longer active; its end arrives on the assignment stream. */
        REFUSED
    }

    private ResultReport() {}

    /**
     * @throws IllegalStateException if the coordinator stayed unreachable past {@code deadlineNs}
     *     ({@link System#nanoTime} time), or the thread was interrupted while waiting to retry
     */
    static Outcome send(Coordinator coordinator, FinalProgress progress, String summary, long deadlineNs,
            Duration retryPause, Consumer<String> log) {
        while (true) {
            try {
                if (Double.isFinite(progress.loss())) {
                    coordinator.reportProgress(progress.step(), progress.loss(), progress.samplesPerSecond());
                }
                coordinator.reportResult(summary);
                return Outcome.ACCEPTED;
            } catch (StatusRuntimeException | IllegalStateException e) {
                if (e instanceof StatusRuntimeException sre && sre.getStatus().getCode() == Status.Code.FAILED_PRECONDITION) {
                    log.accept("result not accepted, waiting for the job's end: " + e.getMessage());
                    return Outcome.REFUSED;
                }
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("could not report the job's result: " + e.getMessage(), e);
                }
                log.accept("result report failed, retrying: " + e.getMessage());
                try {
                    Thread.sleep(retryPause);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted reporting the result", ie);
                }
            }
        }
    }
}
