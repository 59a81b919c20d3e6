package io.ringclip.cli;

import io.grpc.StatusRuntimeException;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ListWorkersResponse;
import io.ringclip.coordinator.api.ProgressPoint;
import io.ringclip.coordinator.api.WorkerInfo;
import io.ringclip.coordinator.client.AdminClient;
import io.ringclip.coordinator.client.JobClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ringclip admin …}: reads and steers a running coordinator through its admin API. */
@Command(
        name = "admin",
        mixinStandardHelpOptions = true,
        description = "Admin API of a running coordinator: workers, jobs, stop/cancel, evict/drain, submit.",
        subcommands = {
                AdminCommand.Workers.class,
                AdminCommand.Jobs.class,
                AdminCommand.Job.class,
                AdminCommand.Stop.class,
                AdminCommand.Cancel.class,
                AdminCommand.Evict.class,
                AdminCommand.Drain.class,
                AdminCommand.Submit.class,
        })
public final class AdminCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs {@link #run} against the admin API and turns gRPC failures into a one-line error and exit code 1. */
    abstract static class AdminSubcommand implements Callable<Integer> {
        @CommandLine.Mixin
        ConnectionMixin connection;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract void run(AdminClient admin, PrintWriter out) throws IOException;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try (AdminClient admin = AdminClient.connect(connection.target, connection.adminToken, connection.timeout)) {
                run(admin, out);
                out.flush();
                return 0;
            } catch (StatusRuntimeException e) {
                out.flush();
                PrintWriter err = spec.commandLine().getErr();
                err.println("error: " + e.getStatus().getCode() + ": " + e.getStatus().getDescription()
                        + " (coordinator=" + connection.target + ")");
                err.flush();
                return 1;
            }
        }
    }

    /** Options every admin subcommand takes (a picocli mixin). */
    public static final class ConnectionMixin {
        @Option(names = "--coordinator", paramLabel = "HOST:PORT", defaultValue = "${env:RINGCLIP_COORDINATOR:-localhost:7070}",
                description = "host:port of the coordinator (env RINGCLIP_COORDINATOR). Default: ${DEFAULT-VALUE}")
        String target;

        @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:RINGCLIP_ADMIN_TOKEN}",
                description = "Admin token (env RINGCLIP_ADMIN_TOKEN).")
        String adminToken;

        @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s", converter = CoordinatorCommand.DurationConverter.class,
                description = "Deadline of each call. Default: ${DEFAULT-VALUE}")
        Duration timeout;
    }

    @Command(name = "workers", mixinStandardHelpOptions = true, description = "Lists workers: rank, address, state, last heartbeat.")
    static final class Workers extends AdminSubcommand {
        @Override
        void run(AdminClient admin, PrintWriter out) {
            ListWorkersResponse r = admin.listWorkers();
            out.printf("generation=%d state=%s reason=%s%n", r.getGeneration(), shortName(r.getState().name()), r.getReason());
            Table t = new Table("WORKER", "RANK", "STATE", "ADDRESS", "LAST HEARTBEAT", "CAPABILITIES");
            for (WorkerInfo w : r.getWorkersList()) {
                t.row(w.getWorkerId(), w.getRank() < 0 ? "-" : Integer.toString(w.getRank()), shortName(w.getState().name()),
                        w.getHost() + ":" + w.getDataPort(), w.getLastHeartbeatAgeMs() + " ms ago", mapText(w.getCapabilitiesMap()));
            }
            t.print(out);
        }
    }

    @Command(name = "jobs", mixinStandardHelpOptions = true, description = "Lists jobs: state, step, loss, throughput.")
    static final class Jobs extends AdminSubcommand {
        @Override
        void run(AdminClient admin, PrintWriter out) {
            Table t = new Table("JOB", "STATE", "STEP", "LOSS", "SAMPLES/S", "WORKERS", "GEN", "SUBMITTED", "REASON");
            for (JobStatus j : admin.listJobs()) {
                t.row(j.getJobId(), shortName(j.getState().name()), j.getStep() + "/" + j.getSpec().getSteps(),
                        j.getHistoryCount() == 0 ? "-" : String.format(Locale.ROOT, "%.4f", j.getLoss()),
                        j.getHistoryCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", j.getSamplesPerSecond()),
                        workers(j.getSpec()), Long.toString(j.getGeneration()), time(j.getSubmittedUnixMs()), j.getReason());
            }
            t.print(out);
        }
    }

    @Command(name = "job", mixinStandardHelpOptions = true, description = "Shows one job with its progress history.")
    static final class Job extends AdminSubcommand {
        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Option(names = "--history", defaultValue = "20", description = "History points to show (latest). Default: ${DEFAULT-VALUE}")
        int history;

        @Override
        void run(AdminClient admin, PrintWriter out) {
            JobStatus j = admin.getJob(jobId);
            out.printf("job=%s state=%s reason=%s%n", j.getJobId(), shortName(j.getState().name()), j.getReason());
            out.printf("name=%s steps=%d workers=%s format=%s generation=%d world_size=%d%n", j.getSpec().getName(),
                    j.getSpec().getSteps(), workers(j.getSpec()), j.getSpec().getSpecFormat(), j.getGeneration(), j.getWorldSize());
            out.printf("submitted=%s started=%s ended=%s%n", time(j.getSubmittedUnixMs()), time(j.getStartedUnixMs()),
                    time(j.getEndedUnixMs()));
            if (j.getEvalCount() > 0) {
                out.println("eval: " + mapText(new TreeMap<>(j.getEvalMap())));
            }
            Table t = new Table("STEP", "GEN", "LOSS", "SAMPLES/S", "TIME", "EVAL");
            List<ProgressPoint> points = j.getHistoryList();
            for (ProgressPoint p : points.subList(Math.max(0, points.size() - history), points.size())) {
                t.row(Long.toString(p.getStep()), Long.toString(p.getGeneration()), String.format(Locale.ROOT, "%.4f", p.getLoss()),
                        String.format(Locale.ROOT, "%.1f", p.getSamplesPerSecond()), time(p.getTimeUnixMs()),
                        mapText(new TreeMap<>(p.getEvalMap())));
            }
            t.print(out);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops a job gracefully (workers checkpoint and exit).")
    static final class Stop extends AdminSubcommand {
        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Option(names = "--reason", defaultValue = "stopped from the CLI")
        String reason;

        @Override
        void run(AdminClient admin, PrintWriter out) {
            JobStatus j = admin.stopJob(jobId, reason);
            out.printf("job=%s state=%s reason=%s%n", j.getJobId(), shortName(j.getState().name()), j.getReason());
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a job now (or removes it from the queue).")
    static final class Cancel extends AdminSubcommand {
        @Parameters(paramLabel = "JOB_ID")
        String jobId;

        @Option(names = "--reason", defaultValue = "cancelled from the CLI")
        String reason;

        @Override
        void run(AdminClient admin, PrintWriter out) {
            JobStatus j = admin.cancelJob(jobId, reason);
            out.printf("job=%s state=%s reason=%s%n", j.getJobId(), shortName(j.getState().name()), j.getReason());
        }
    }

    @Command(name = "evict", mixinStandardHelpOptions = true, description = "Removes a worker now; it may re-join at the next generation.")
    static final class Evict extends AdminSubcommand {
        @Parameters(paramLabel = "WORKER_ID")
        String workerId;

        @Option(names = "--reason", defaultValue = "evicted from the CLI")
        String reason;

        @Override
        void run(AdminClient admin, PrintWriter out) {
            out.printf("evicted worker=%s generation=%d%n", workerId, admin.evictWorker(workerId, reason));
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = "Takes a worker out of the ring and keeps it out until the coordinator restarts.")
    static final class Drain extends AdminSubcommand {
        @Parameters(paramLabel = "WORKER_ID")
        String workerId;

        @Option(names = "--reason", defaultValue = "drained from the CLI")
        String reason;

        @Override
        void run(AdminClient admin, PrintWriter out) {
            out.printf("drained worker=%s generation=%d%n", workerId, admin.drainWorker(workerId, reason));
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Submits a job spec file (YAML or JSON, sent verbatim to the workers) with the admin token.")
    static final class Submit extends AdminSubcommand {
        @Parameters(paramLabel = "SPEC_FILE")
        Path specFile;

        @Option(names = "--name", description = "Job name. Default: the file name without extension.")
        String name;

        @Option(names = "--steps", required = true, description = "Training steps.")
        long steps;

        @Option(names = "--min-workers", defaultValue = "0", description = "0 = the coordinator's default.")
        int minWorkers;

        @Option(names = "--max-workers", defaultValue = "0", description = "0 = no upper bound.")
        int maxWorkers;

        @Override
        void run(AdminClient admin, PrintWriter out) throws IOException {
            String file = specFile.getFileName().toString();
            String format = file.endsWith(".json") ? "json" : "yaml";
            String jobName = name != null ? name : file.replaceFirst("\\.(ya?ml|json)$", "");
            JobSpec s = JobSpec.newBuilder().setName(jobName).setSpecText(Files.readString(specFile)).setSpecFormat(format)
                    .setMinWorkers(minWorkers).setMaxWorkers(maxWorkers).setSteps(steps).build();
            try (JobClient jobs = JobClient.connect(connection.target, connection.adminToken, connection.timeout)) {
                JobStatus j = jobs.submit(s);
                out.printf("submitted job=%s state=%s reason=%s%n", j.getJobId(), shortName(j.getState().name()), j.getReason());
            }
        }
    }

    // ---------------------------------------------------------------------------------------
    // Formatting

    static String shortName(String enumName) {
        int cut = enumName.indexOf("STATE_");
        return cut < 0 ? enumName : enumName.substring(cut + "STATE_".length());
    }

    static String workers(JobSpec s) {
        return s.getMinWorkers() + ".." + (s.getMaxWorkers() == 0 ? "" : Integer.toString(s.getMaxWorkers()));
    }

    static String time(long unixMs) {
        return unixMs == 0 ? "-" : DateTimeFormatter.ISO_LOCAL_TIME.format(Instant.ofEpochMilli(unixMs).atOffset(ZoneOffset.UTC)
                .toLocalTime().withNano(0)) + "Z";
    }

    static <V> String mapText(Map<String, V> m) {
        if (m.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        Function<V, String> fmt = v -> v instanceof Double d ? String.format(Locale.ROOT, "%.4f", d) : String.valueOf(v);
        new TreeMap<>(m).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(fmt.apply(v)));
        return sb.toString();
    }

    /** A plain text table: columns padded to their widest cell, two spaces apart. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        void row(String... cells) {
            rows.add(cells);
        }

        void print(PrintWriter out) {
            int[] width = new int[rows.getFirst().length];
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) {
                    width[i] = Math.max(width[i], r[i].length());
                }
            }
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < r.length; i++) {
                    line.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
                }
                out.println(line.toString().stripTrailing());
            }
            if (rows.size() == 1) {
                out.println("(none)");
            }
        }
    }
}
