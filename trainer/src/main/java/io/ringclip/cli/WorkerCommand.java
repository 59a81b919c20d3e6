package io.ringclip.cli;

import io.ringclip.coordinator.client.ClientOptions;
import io.ringclip.coordinator.client.CoordinatorClient;
import io.ringclip.trainer.cluster.ClusterWorker;
import io.ringclip.trainer.cluster.ClusterWorkerOptions;
import io.ringclip.trainer.cluster.JobStoppedException;
import io.ringclip.trainer.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringclip worker}: one training process of a cluster job. Joins the coordinator, trains
 * the job it is given with its peers over Netty, survives peers coming and going (elastic
 * training), and exits when the job ends.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
                "Joins a coordinator and trains the job it assigns, with the other workers over TCP (elastic: when a worker "
                        + "dies or joins, the others rebuild the ring and continue from the last committed step).",
                "Exit codes: 0 the job ended, 1 failure (e.g. no ring or no new generation in time), 2 bad arguments or job spec, "
                        + "3 drained by an admin.",
                "Example: ringclip worker --coordinator coord:7070 --token $RINGCLIP_JOB_TOKEN --data-port 7100"})
public final class WorkerCommand implements Callable<Integer> {

    @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT", description = "The coordinator's gRPC address.")
    String coordinator;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:RINGCLIP_JOB_TOKEN}",
            description = "Job token (env RINGCLIP_JOB_TOKEN); it also keys the secret that authenticates data connections.")
    String token;

    @Option(names = "--data-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the collective transport (0 = any free port). Default: ${DEFAULT-VALUE}")
    int dataPort;

    @Option(names = "--host", paramLabel = "HOST", description = "Address peers reach this worker at (default: this host's address).")
    String host;

    @Option(names = "--worker-id", paramLabel = "ID", description = "Stable worker name, [A-Za-z0-9._-] (default: <hostname>-<pid>).")
    String workerId;

    @Option(names = "--out", paramLabel = "DIR", description = "Run directories go to DIR/<job id> (default: under the job spec's `out`).")
    Path out;

    @Option(names = "--threads", paramLabel = "N", description = "Matmul threads (default: all cores).")
    Integer threads;

    @Option(names = "--ring-timeout", paramLabel = "DURATION", defaultValue = "30m", converter = CoordinatorCommand.DurationConverter.class,
            description = "Longest wait for a running ring: a job to start, a paused job to resume. Default: ${DEFAULT-VALUE}")
    Duration ringTimeout;

    @Option(names = "--generation-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = CoordinatorCommand.DurationConverter.class,
            description = "After a peer failed, longest wait for the coordinator to start a new generation. Default: ${DEFAULT-VALUE}")
    Duration generationTimeout;

    @Option(names = "--op-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = CoordinatorCommand.DurationConverter.class,
            description = "Deadline of one collective operation. Default: ${DEFAULT-VALUE}")
    Duration opTimeout;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "15s", converter = CoordinatorCommand.DurationConverter.class,
            description = "Deadline for connecting to the peers of a generation. Default: ${DEFAULT-VALUE}")
    Duration connectTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterWorkerOptions options;
        try {
            options = new ClusterWorkerOptions(workerId != null ? workerId : defaultWorkerId(), host != null ? host : defaultHost(),
                    dataPort, blankToNull(token), this.out, threads != null ? threads : Runtime.getRuntime().availableProcessors(),
                    ringTimeout, generationTimeout, opTimeout, connectTimeout);
        } catch (IllegalArgumentException e) {
            err.println("ringclip worker: " + e.getMessage());
            return 2;
        }
        ClientOptions client = ClientOptions.defaults().withToken(options.jobToken())
                .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        ClusterWorker worker = new ClusterWorker(options, id -> CoordinatorClient.connect(coordinator, id, client), line -> {
            out.println(Instant.now() + " " + line);
            out.flush();
        });
        try {
            ClusterWorker.Result r = worker.run();
            out.println("done: job=" + r.jobId() + ", steps=" + r.outcome().finalStep());
            out.flush();
            return 0;
        } catch (JobStoppedException e) {
            out.println("stopped: " + e.getMessage());
            out.flush();
            return e.drained() ? 3 : 0;
        } catch (ConfigException e) {
            err.println("ringclip worker: bad job spec: " + e.getMessage());
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("ringclip worker: " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String defaultHost() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static String defaultWorkerId() {
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = "worker";
        }
        return name.replaceAll("[^A-Za-z0-9._-]", "-") + "-" + ProcessHandle.current().pid();
    }
}
