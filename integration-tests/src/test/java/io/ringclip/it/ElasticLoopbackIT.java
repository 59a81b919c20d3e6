package io.ringclip.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.coordinator.api.JobState;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ListWorkersResponse;
import io.ringclip.coordinator.api.ProgressPoint;
import io.ringclip.coordinator.api.WorkerState;
import io.ringclip.coordinator.client.AdminClient;
import io.ringclip.coordinator.client.JobClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Elastic training across processes on loopback, no Docker: a coordinator JVM with a journal and
 * a short heartbeat timeout, three {@code ringclip worker} JVMs training a tiny CLIP job over
 * Netty. One worker is SIGKILLed mid-training: the survivors must go on at world size 2 in a new
 * generation without restarting, and the loss keeps falling. Then the coordinator itself is
 * SIGKILLed and restarted on the same journal and port: the job is still listed, the workers
 * re-join by themselves, and the job runs to FINISHED. Every wait has a deadline; on failure all
 * process logs are printed.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES) // the test's budget; a run takes 1–2 minutes on a busy 2-core machine
class ElasticLoopbackIT {

    private static final String JOB_TOKEN = "it-job-token";
    private static final String ADMIN_TOKEN = "it-admin-token";
    private static final int STEPS = 70;

    @TempDir
    Path tmp;

    private final List<RingclipProcess> processes = new ArrayList<>();
    private long coordinatorKillUnixMs;

    @Test
    void shouldSurviveAWorkerKillAndACoordinatorRestartWithoutRestartingWorkers() throws Exception {
        try {
            run();
        } catch (Throwable t) {
            processes.forEach(p -> System.err.println(p.dump()));
            throw t;
        } finally {
            for (RingclipProcess p : processes) {
                p.close();
            }
        }
    }

    private void run() throws Exception {
        int port = RingclipProcess.freePort();
        String target = "127.0.0.1:" + port;
        Path journal = tmp.resolve("journal");
        RingclipProcess coordinator = startCoordinator(port, journal, "coordinator");

        String jobId;
        try (JobClient jobs = JobClient.connect(target, JOB_TOKEN, Duration.ofSeconds(5))) {
            JobStatus submitted = until("the coordinator to accept the job", Duration.ofSeconds(60),
                    () -> jobs.submit("elastic-it", jobYaml(), "yaml", 2, 3, STEPS), j -> true);
            jobId = submitted.getJobId();
        }
        List<RingclipProcess> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(start("worker-" + i, "768m", List.of("worker", "--coordinator", target, "--token", JOB_TOKEN,
                    "--host", "127.0.0.1", "--worker-id", "w" + i, "--out", tmp.resolve("w" + i).toString(), "--threads", "1",
                    "--generation-timeout", "60s", "--ring-timeout", "180s")));
        }

        try (AdminClient admin = AdminClient.connect(target, ADMIN_TOKEN, Duration.ofSeconds(5))) {
            // 1. three workers train
            JobStatus training = until("world size 3 and 4 steps", Duration.ofSeconds(120), () -> admin.getJob(jobId),
                    j -> j.getState() == JobState.JOB_STATE_RUNNING && j.getWorldSize() == 3 && j.getStep() >= 4);
            long generation3 = training.getGeneration();

            // 2. SIGKILL one worker: the survivors go on at world size 2 in a new generation
            RingclipProcess victim = workers.get(2);
            long stepAtKill = admin.getJob(jobId).getStep();
            long killUnixMs = System.currentTimeMillis();
            victim.kill();
            JobStatus resized = until("a new generation at world size 2", Duration.ofSeconds(30), () -> admin.getJob(jobId),
                    j -> j.getGeneration() > generation3 && j.getWorldSize() == 2 && j.getState() == JobState.JOB_STATE_RUNNING);
            long resizedSeenMs = System.currentTimeMillis() - killUnixMs;
            long generation2 = resized.getGeneration();
            ListWorkersResponse members = admin.listWorkers();
            assertEquals(2, members.getWorkersList().stream().filter(w -> w.getState() == WorkerState.WORKER_STATE_ACTIVE).count(),
                    members.toString());
            assertTrue(members.getWorkersList().stream().noneMatch(w -> w.getWorkerId().equals("w2")), "the killed worker was evicted");
            JobStatus progressed = until("3 steps in the new generation", Duration.ofSeconds(90), () -> admin.getJob(jobId),
                    j -> stepsIn(j, generation2) >= 3);
            ProgressPoint firstAfter = progressed.getHistoryList().stream().filter(p -> p.getGeneration() == generation2)
                    .findFirst().orElseThrow();
            for (int i = 0; i < 2; i++) {
                assertTrue(workers.get(i).isAlive(), "survivor still running (no JVM restart): " + workers.get(i).name());
            }
            System.out.printf(Locale.ROOT, "ELASTIC TIMELINE: kill_unix_ms=%d, step_at_kill=%d, new_generation_seen_after_ms=%d, "
                            + "first_step_of_new_generation=%d, first_step_reported_after_ms=%d, survivor_logs=%s%n",
                    killUnixMs, stepAtKill, resizedSeenMs, firstAfter.getStep(), firstAfter.getTimeUnixMs() - killUnixMs,
                    survivorRecoveryLines(workers));

            // 3. SIGKILL the coordinator and restart it on the same journal and port
            coordinatorKillUnixMs = System.currentTimeMillis();
            coordinator.kill();
            coordinator = startCoordinator(port, journal, "coordinator-restarted");
        }
        try (AdminClient admin = AdminClient.connect(target, ADMIN_TOKEN, Duration.ofSeconds(5))) {
            JobStatus listed = until("the job listed after the restart", Duration.ofSeconds(60),
                    () -> admin.listJobs().stream().filter(j -> j.getJobId().equals(jobId)).findFirst().orElse(null), j -> j != null);
            long lastGeneration = listed.getGeneration();
            JobStatus continued = until("the job to continue after the restart", Duration.ofSeconds(90), () -> admin.getJob(jobId),
                    j -> j.getGeneration() > lastGeneration && j.getWorldSize() == 2
                            && (j.getState() == JobState.JOB_STATE_RUNNING || j.getState() == JobState.JOB_STATE_FINISHED));
            long runningAgainAfterMs = System.currentTimeMillis() - coordinatorKillUnixMs;
            JobStatus done = until("the job to finish", Duration.ofSeconds(180), () -> admin.getJob(jobId),
                    j -> j.getState() == JobState.JOB_STATE_FINISHED || j.getState() == JobState.JOB_STATE_FAILED);
            assertEquals(JobState.JOB_STATE_FINISHED, done.getState(), done.getReason());
            assertEquals(STEPS, done.getStep());
            for (int i = 0; i < 2; i++) {
                assertEquals(0, workers.get(i).awaitExit(Duration.ofSeconds(60)), "exit code of " + workers.get(i).name());
            }
            System.out.printf(Locale.ROOT, "ELASTIC RESTART: coordinator_kill_unix_ms=%d, running_again_seen_after_ms=%d, "
                            + "generation=%d, survivor_logs=%s%n", coordinatorKillUnixMs, runningAgainAfterMs, continued.getGeneration(),
                    survivorRecoveryLines(workers));
            for (RingclipProcess w : workers.subList(0, 2)) {
                w.log().lines().filter(l -> l.contains("elastic:") || l.contains("ring connected"))
                        .forEach(l -> System.out.println("ELASTIC LOG " + w.name() + " " + l));
            }
            assertLossFellAtWorldSize2(done);
        }
    }

    /** Loss at a fixed world size (2) must fall: the global batch changed with the world, so compare like with like. */
    private static void assertLossFellAtWorldSize2(JobStatus done) {
        long afterKill = done.getHistoryList().stream().filter(p -> p.getStep() > 0).mapToLong(ProgressPoint::getGeneration)
                .distinct().sorted().skip(1).findFirst().orElseThrow();
        List<ProgressPoint> atTwo = done.getHistoryList().stream().filter(p -> p.getGeneration() >= afterKill).toList();
        assertTrue(atTwo.size() >= 20, "enough points after the kill: " + atTwo.size());
        double early = atTwo.subList(0, 5).stream().mapToDouble(ProgressPoint::getLoss).average().orElseThrow();
        double late = atTwo.subList(atTwo.size() - 5, atTwo.size()).stream().mapToDouble(ProgressPoint::getLoss).average().orElseThrow();
        System.out.printf(Locale.ROOT, "ELASTIC LOSS: first 5 steps after the kill %.4f, last 5 steps %.4f%n", early, late);
        assertTrue(late < early, "loss must keep falling at world size 2: early=" + early + ", late=" + late);
        assertFalse(atTwo.stream().anyMatch(p -> !Double.isFinite(p.getLoss())), "finite losses");
    }

    private static long stepsIn(JobStatus j, long generation) {
        return j.getHistoryList().stream().filter(p -> p.getGeneration() == generation).count();
    }

    private static List<String> survivorRecoveryLines(List<RingclipProcess> workers) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            workers.get(i).logLines("elastic: training again").stream().reduce((a, b) -> b).ifPresent(out::add);
        }
        return out;
    }

    private RingclipProcess startCoordinator(int port, Path journal, String name) throws Exception {
        RingclipProcess p = start(name, "256m", List.of("coordinator", "--port", String.valueOf(port), "--journal", journal.toString(),
                "--job-token", JOB_TOKEN, "--admin-token", ADMIN_TOKEN, "--heartbeat-timeout", "3s", "--join-timeout", "1s"));
        until(name + " listening", Duration.ofSeconds(60), p::log, l -> l.contains("ringclip coordinator listening"));
        return p;
    }

    private RingclipProcess start(String name, String heap, List<String> args) throws Exception {
        RingclipProcess p = RingclipProcess.start(name, tmp, heap, args);
        processes.add(p);
        return p;
    }

    /** The tiny CLIP model on synthetic captions; batch 8 per worker (kept fixed when the world changes). */
    private static String jobYaml() {
        return """
                model: tiny
                loss: clip
                precision: fp32
                data: synthetic:4000
                batch: 8
                steps: %d
                lr: 0.002
                warmup: 3
                eval-every: 0
                checkpoint-every: 20
                """.formatted(STEPS);
    }

    /** Polls every 250 ms until {@code done} holds; a probe that throws (a restarting coordinator) counts as "not yet". */
    private static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        Object last = null;
        while (true) {
            try {
                T v = probe.get();
                last = v;
                if (done.test(v)) {
                    return v;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out waiting for " + what + ": timeout=" + timeout + ", last=" + last);
            }
            Thread.sleep(250);
        }
    }
}
