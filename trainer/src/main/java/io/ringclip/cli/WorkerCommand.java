package io.ringclip.cli;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.transport.netty.NettyCommunicators;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.Peer;
import io.ringclip.coordinator.client.ClientOptions;
import io.ringclip.coordinator.client.CoordinatorClient;
import io.ringclip.coordinator.client.WorkerIdentity;
import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.model.ModelConfig;
import io.ringclip.models.tokenizer.BpeTokenizer;
import io.ringclip.trainer.checkpoint.CheckpointLayout;
import io.ringclip.trainer.checkpoint.TrainingCheckpoint;
import io.ringclip.trainer.config.TrainConfig;
import io.ringclip.trainer.config.TrainConfigFiles;
import io.ringclip.trainer.eval.EvalResult;
import io.ringclip.trainer.loop.CommunicatorWorkerComm;
import io.ringclip.trainer.loop.ConsoleObserver;
import io.ringclip.trainer.loop.RunObserver;
import io.ringclip.trainer.loop.SimulationRun;
import io.ringclip.trainer.loop.StepResult;
import io.ringclip.trainer.loop.Worker;
import io.ringclip.trainer.report.MetricsWriter;
import io.ringclip.trainer.report.ProgressLine;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringclip worker}: one process of a cluster job. Joins the coordinator, waits until it is
 * assigned a rank in a running generation, reads the job spec from the assignment, connects the
 * Netty ring to its peers and runs the same {@link Worker} as simulation mode; rank 0 reports
 * progress and the result back.
 *
 * <p>Recovery (not yet elastic in-process): if a peer is lost the collectives fail within their
 * deadline, the worker exits non-zero, and its supervisor (docker-compose {@code restart:
 * on-failure}, a StatefulSet) restarts it; on restart it re-joins and, if the job's run directory
 * holds a checkpoint, resumes from the latest one.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Join a coordinator and train the job it assigns (one process per worker).")
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT", description = "The coordinator's gRPC address.")
    String coordinator;

    @Option(names = "--token", paramLabel = "T", description = "Job token (default: $RINGCLIP_JOB_TOKEN).")
    String token;

    @Option(names = "--worker-id", description = "Stable worker id (default: host name + data port).")
    String workerId;

    @Option(names = "--host", description = "Address peers reach this worker at (default: this host's address).")
    String host;

    @Option(names = "--data-port", defaultValue = "7171", description = "Port of the collective transport (default: ${DEFAULT-VALUE}).")
    int dataPort;

    @Option(names = "--wait", defaultValue = "PT30M", description = "How long to wait for a running assignment, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration wait;

    @Override
    public Integer call() throws Exception {
        String t = token != null ? token : System.getenv("RINGCLIP_JOB_TOKEN");
        if (t == null || t.isBlank()) {
            System.err.println("ringclip worker: no job token: pass --token or set RINGCLIP_JOB_TOKEN");
            return 2;
        }
        String addr = host != null ? host : InetAddress.getLocalHost().getHostAddress();
        String id = workerId != null ? workerId : (InetAddress.getLocalHost().getHostName() + "-" + dataPort)
                .replaceAll("[^A-Za-z0-9._-]", "-");
        int cores = Runtime.getRuntime().availableProcessors();
        WorkerIdentity identity = new WorkerIdentity(id, addr, dataPort, Map.of("cores", String.valueOf(cores)));
        try (CoordinatorClient client = CoordinatorClient.connect(coordinator, identity, ClientOptions.defaults().withToken(t))) {
            client.start(a -> { });
            Assignment a = client.awaitRunning(wait);
            boolean yaml = !"json".equalsIgnoreCase(a.getJob().getSpecFormat());
            TrainConfig cfg = TrainConfigFiles.parse(a.getJob().getSpecText(), yaml, "job " + a.getJobId())
                    .workers(a.getWorldSize()).build();
            System.out.printf(Locale.ROOT, "ringclip worker %s: rank %d of %d, generation %d, job %s%n",
                    id, a.getRank(), a.getWorldSize(), a.getGeneration(), a.getJobId());
            int code = train(client, a, cfg, t, cores);
            client.leave(code == 0 ? "finished" : "failed");
            return code;
        }
    }

    private int train(CoordinatorClient client, Assignment a, TrainConfig cfg, String t, int cores) throws Exception {
        Path out = Path.of(cfg.outDir());
        CheckpointLayout layout = new CheckpointLayout(out);
        Path resumeDir = cfg.resume() != null ? layout.resolveResume(cfg.resume()) : layout.latest().orElse(null);
        ModelConfig modelCfg = ModelConfig.named(cfg.model());
        BpeTokenizer tokenizer = resumeDir != null ? TrainingCheckpoint.tokenizer(resumeDir)
                : SimulationRun.learnTokenizer(cfg, modelCfg);
        Gemm.setThreads(cores);

        List<InetSocketAddress> peers = new ArrayList<>();
        for (Peer p : a.getPeersList()) {
            peers.add(InetSocketAddress.createUnresolved(p.getHost(), p.getDataPort()));
        }
        RendezvousResult membership = new RendezvousResult(a.getRank(), a.getWorldSize(), a.getGeneration(),
                a.getJobId(), jobSecret(t, a.getJobId()), resolve(peers));
        Communicator comm = NettyCommunicators.connect(CommConfig.defaults(), membership, dataPort);
        boolean rank0 = a.getRank() == 0;
        RunObserver observer = RunObserver.NONE;
        ConsoleObserver console = null;
        if (rank0) {
            Files.createDirectories(out);
            console = new ConsoleObserver(MetricsWriter.open(out.resolve("metrics.jsonl")), ProgressLine.forConsole(cfg.steps()));
            observer = new ReportingObserver(console, client);
        }
        try (CommunicatorWorkerComm wc = new CommunicatorWorkerComm(comm, cfg.wire())) {
            Worker.Outcome o = new Worker(cfg, modelCfg, wc, tokenizer, observer, true, cores, resumeDir).call();
            if (rank0) {
                client.reportResult(true, String.format(Locale.ROOT, "finished %d steps, loss %.4f", o.finalStep(), o.lastLoss()));
            }
            return 0;
        } catch (RuntimeException e) {
            System.err.println("ringclip worker: training failed: " + e);
            if (rank0) {
                client.reportResult(false, String.valueOf(e.getMessage()));
            }
            return 1;
        } finally {
            if (console != null) {
                console.close();
            }
        }
    }

    private static List<InetSocketAddress> resolve(List<InetSocketAddress> peers) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress p : peers) {
            out.add(new InetSocketAddress(p.getHostString(), p.getPort()));
        }
        return out;
    }

    /** The ring's handshake secret: SHA-256 of token and job id, known to every worker of the job and nobody else. */
    static byte[] jobSecret(String token, String jobId) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest((token + "\n" + jobId).getBytes(StandardCharsets.UTF_8));
    }

    /** Rank 0's observer: the console/metrics one plus progress reports to the coordinator. */
    private static final class ReportingObserver implements RunObserver {
        private final ConsoleObserver console;
        private final CoordinatorClient client;
        private double lastLoss;

        ReportingObserver(ConsoleObserver console, CoordinatorClient client) {
            this.console = console;
            this.client = client;
        }

        @Override
        public void started(TrainConfig cfg, String data, ModelConfig model, int parameters, int worldSize) {
            console.started(cfg, data, model, parameters, worldSize);
        }

        @Override
        public void stepDone(StepResult r) {
            console.stepDone(r);
            lastLoss = r.loss();
            try {
                client.reportProgress(r.step() + 1, r.loss(), r.samples() * 1e9 / Math.max(1, r.totalNanos()), Map.of());
            } catch (RuntimeException e) {
                console.message("progress report failed (training continues): " + e.getMessage());
            }
        }

        @Override
        public void evalDone(int step, EvalResult result) {
            console.evalDone(step, result);
            Map<String, Double> eval = new HashMap<>();
            result.toMetrics().forEach((k, v) -> eval.put(k, v.doubleValue()));
            try {
                client.reportProgress(step, lastLoss, 0, eval);
            } catch (RuntimeException e) {
                console.message("eval report failed: " + e.getMessage());
            }
        }

        @Override
        public void message(String text) {
            console.message(text);
        }
    }
}
