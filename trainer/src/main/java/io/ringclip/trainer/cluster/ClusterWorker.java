package io.ringclip.trainer.cluster;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.transport.netty.NettyCommunicators;
import io.ringclip.comm.transport.netty.NettyEndpoint;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.AssignmentState;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.client.CoordinatorClient;
import io.ringclip.coordinator.client.WorkerIdentity;
import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.trainer.checkpoint.CheckpointLayout;
import io.ringclip.trainer.checkpoint.TrainingCheckpoint;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.config.TrainConfigFiles;
import io.ringclip.trainer.loop.RunRecorder;
import io.ringclip.trainer.loop.SimulationRun;
import io.ringclip.trainer.loop.Worker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One worker process of a cluster job, from joining to leaving:
 * <pre>
 *   bind the data port → join the coordinator (heartbeats, assignment stream) → wait for a job →
 *   job spec → TrainConfig (run dir OUT/&lt;job id&gt;) → tokenizer (the run's checkpoint, or trained from
 *   the data like every other rank) → first ring → {@link Worker} with {@link ClusterStateSync}
 *   (whoever is rank 0 records metrics.jsonl through {@link RunRecorder}) → retire the ring →
 *   report.html → rank 0 reports the result (the coordinator marks the job FINISHED) → wait for the
 *   job's end → leave
 * </pre>
 * The training itself is the same {@link Worker} simulation mode runs; what differs is the
 * communicator ({@link ElasticComm} over Netty, rebuilt per generation) and the state sync.
 */
public final class ClusterWorker {

    /** How a finished worker ended: its training outcome (null if the job ended without it) and the job. */
    public record Result(String jobId, Worker.Outcome outcome) {}

    /** Between attempts to report the result to an unreachable coordinator. */
    private static final Duration RESULT_RETRY_PAUSE = Duration.ofSeconds(1);

    private final ClusterWorkerOptions options;
    private final Function<WorkerIdentity, CoordinatorClient> clients;
    private final Consumer<String> log;

    /**
     * @param clients makes the coordinator client for this worker's identity (a TCP channel in
     *                production, an in-process one in tests); the worker closes it
     * @param log     where status lines go (the console)
     */
    public ClusterWorker(ClusterWorkerOptions options, Function<WorkerIdentity, CoordinatorClient> clients, Consumer<String> log) {
        this.options = options;
        this.clients = clients;
        this.log = log;
    }

    /**
     * Runs until this worker's job ended.
     *
     * @throws JobStoppedException   drained, or the coordinator refused this worker
     * @throws IllegalStateException a deadline passed (no job, no ring, no new generation)
     */
    public Result run() throws IOException {
        Gemm.setThreads(options.gemmThreads());
        CommConfig commConfig = CommConfig.defaults().withOpTimeout(options.opTimeout()).withConnectTimeout(options.connectTimeout());
        NettyEndpoint endpoint = NettyCommunicators.bind(commConfig, new InetSocketAddress(options.dataPort()));
        int dataPort = endpoint.localAddress().getPort();
        CoordinatorRendezvous rendezvous = new CoordinatorRendezvous(options.jobToken(), log);
        WorkerIdentity identity = new WorkerIdentity(options.workerId(), options.host(), dataPort,
                Map.of("cores", String.valueOf(Runtime.getRuntime().availableProcessors()), "gemm_threads",
                        String.valueOf(options.gemmThreads())));
        log.accept("worker " + options.workerId() + ": data port " + options.host() + ":" + dataPort + " (" + NettyCommunicators.ioMode() + ")");
        try (CoordinatorClient client = clients.apply(identity)) {
            Assignment first;
            TrainConfig cfg;
            ElasticRing ring = null;
            try {
                client.start(rendezvous);
                first = rendezvous.awaitJob(options.ringTimeout());
                cfg = jobConfig(first);
                log.accept("job " + first.getJobId() + ": " + first.getJob().getName() + ", run dir " + cfg.outDir());
                ModelConfig modelCfg = ModelConfig.named(cfg.model());
                Path runDir = Path.of(cfg.outDir());
                Files.createDirectories(runDir);
                Optional<Path> checkpoint = new CheckpointLayout(runDir).latest();
                BpeTokenizer tokenizer = checkpoint.isPresent()
                        ? TrainingCheckpoint.tokenizer(checkpoint.get())
                        : SimulationRun.trainTokenizer(cfg, modelCfg);
                checkpoint.ifPresent(c -> log.accept("found checkpoint " + c + " (used if no rank holds newer state)"));

                ring = new ElasticRing(endpoint, rendezvous, cfg.wire(), log);
                ring.connectNext(options.ringTimeout());
                ClusterStateSync sync = new ClusterStateSync(ring, options.generationTimeout(), options.ringTimeout(), log);
                Worker.Outcome outcome;
                double samplesPerSecond;
                try (RunRecorder recorder = new RunRecorder(runDir);
                        ClusterObserver observer = new ClusterObserver(client, sync, recorder, 1000, log)) {
                    outcome = new Worker(cfg, modelCfg, ring.comm(), tokenizer, observer, options.gemmThreads(), checkpoint.orElse(null))
                            .withStateSync(sync)
                            .call();
                    ring.retire(); // the job's end must not abort the (now idle) communicator
                    samplesPerSecond = observer.lastSamplesPerSecond();
                    log.accept(String.format(Locale.ROOT, "finished: steps=%d, last_loss=%.4f, rank=%d, world_size=%d%s",
                            outcome.finalStep(), outcome.lastLoss(), ring.comm().rank(), ring.comm().worldSize(), runSummary(recorder)));
                    writeReport(recorder, cfg, ring.comm().worldSize());
                }
                awaitJobEnd(client, rendezvous, ring.comm().rank() == 0, ring.comm().generation(), outcome, samplesPerSecond);
                leave(client);
                return new Result(first.getJobId(), outcome);
            } finally {
                if (ring != null) {
                    ring.close();
                } else {
                    endpoint.close();
                }
            }
        }
    }

    /**
     * Renders report.html if this process recorded steps (it was rank 0). A report that cannot be
     * written is logged, not thrown: the job's result must still be reported.
     */
    private void writeReport(RunRecorder recorder, TrainConfig cfg, int worldSize) {
        if (recorder.steps() == 0) {
            return;
        }
        try {
            if (recorder.writeReport(cfg, worldSize)) {
                log.accept("metrics " + recorder.metricsFile() + ", report " + recorder.reportFile());
            }
        } catch (UncheckedIOException e) {
            log.accept("report not written: path=" + recorder.reportFile() + ", cause=" + e.getMessage());
        }
    }

    /** What this process measured while it was rank 0 (empty if it never was). */
    private static String runSummary(RunRecorder recorder) {
        if (recorder.steps() == 0) {
            return "";
        }
        return String.format(Locale.ROOT, ", recorded_steps=%d, samples_per_second=%.1f, comm_wait_share=%.1f%%",
                recorder.steps(), recorder.samplesPerSecond(), 100 * recorder.commWaitShare());
    }

    /**
     * Rank 0 reports the result, which ends the job for everyone; the others wait for that. If rank
     * 0 is lost before reporting, the worker that becomes rank 0 of a later generation reports.
     */
    private void awaitJobEnd(CoordinatorClient client, CoordinatorRendezvous rendezvous, boolean rankZero, long generation,
            Worker.Outcome outcome, double samplesPerSecond) {
        String summary = String.format(Locale.ROOT, "steps=%d, loss=%.4f", outcome.finalStep(), outcome.lastLoss());
        ResultReport.FinalProgress progress = new ResultReport.FinalProgress(outcome.finalStep(), outcome.lastLoss(), samplesPerSecond);
        long deadlineNs = System.nanoTime() + options.ringTimeout().toNanos();
        if (rankZero) {
            reportResult(client, summary, progress, deadlineNs);
        }
        long after = generation;
        while (true) {
            Assignment a;
            try {
                long seen = after;
                a = rendezvous.awaitMatching(x -> x.getState() == AssignmentState.ASSIGNMENT_STATE_RUNNING
                        && x.getRank() == 0 && x.getGeneration() > seen,
                        Duration.ofNanos(Math.max(1, deadlineNs - System.nanoTime())), "the job's end (training done)");
            } catch (JobStoppedException e) {
                log.accept(e.getMessage());
                return;
            } catch (IllegalStateException e) {
                throw new IllegalStateException("training done but the job did not end: timeout=" + options.ringTimeout(), e);
            }
            after = a.getGeneration();
            reportResult(client, summary, progress, deadlineNs);
        }
    }

    private void reportResult(CoordinatorClient client, String summary, ResultReport.FinalProgress progress, long deadlineNs) {
        ResultReport.send(new ResultReport.Coordinator() {
            @Override
            public void reportProgress(long step, double loss, double samplesPerSecond) {
                client.reportProgress(step, loss, samplesPerSecond, Map.of());
            }

            @Override
            public void reportResult(String summary) {
                client.reportResult(true, summary);
            }
        }, progress, summary, deadlineNs, RESULT_RETRY_PAUSE, log);
    }

    private void leave(CoordinatorClient client) {
        try {
            client.leave("job finished");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.accept("leave failed (the coordinator evicts after the heartbeat timeout): " + e.getMessage());
        }
    }

    /**
     * The assignment's job spec as a TrainConfig: run dir {@code <base>/<job id>}, base = {@code --out}
     * or else the spec's own {@code out} (e.g. a shared checkpoint volume); steps from the coordinator's spec.
     */
    TrainConfig jobConfig(Assignment a) {
        JobSpec job = a.getJob();
        boolean yaml = !"json".equalsIgnoreCase(job.getSpecFormat());
        TrainConfig.Builder b = TrainConfigFiles.parse(job.getSpecText(), yaml, "job " + a.getJobId());
        if (job.getSteps() > 0) {
            b.set("steps", String.valueOf(job.getSteps()));
        }
        Path base = options.outRoot() != null ? options.outRoot() : Path.of(b.build().outDir());
        b.set("out", base.resolve(a.getJobId()).toString());
        return b.build();
    }
}
