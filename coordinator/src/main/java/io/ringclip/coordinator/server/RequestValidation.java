package io.ringclip.coordinator.server;

import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JoinRequest;
import io.ringclip.coordinator.api.ProgressReport;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks requests before they reach the {@link CoordinatorCore}. Each check returns {@code null}
 * when the request is valid, else a key=value description for INVALID_ARGUMENT.
 */
final class RequestValidation {

    static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9._-]{1,96}");
    static final int MAX_SPEC_BYTES = 1 << 20;
    static final int MAX_HOST_CHARS = 253;
    static final int MAX_CAPABILITIES = 64;
    static final int MAX_EVAL_METRICS = 64;

    private RequestValidation() {}

    static String workerId(String id) {
        return WORKER_ID.matcher(id).matches() ? null : "worker_id must match " + WORKER_ID + ": worker_id='" + id + "'";
    }

    static String jobId(String id) {
        return JOB_ID.matcher(id).matches() ? null : "job_id must match " + JOB_ID + ": job_id='" + id + "'";
    }

    static String join(JoinRequest r) {
        String bad = workerId(r.getWorkerId());
        if (bad != null) {
            return bad;
        }
        if (r.getHost().isBlank() || r.getHost().length() > MAX_HOST_CHARS || r.getHost().chars().anyMatch(Character::isWhitespace)) {
            return "host must be a hostname or IP address: host='" + r.getHost() + "'";
        }
        if (r.getDataPort() < 1 || r.getDataPort() > 65535) {
            return "data_port must be in 1..65535: data_port=" + r.getDataPort();
        }
        if (r.getCapabilitiesCount() > MAX_CAPABILITIES) {
            return "too many capabilities: count=" + r.getCapabilitiesCount() + ", max=" + MAX_CAPABILITIES;
        }
        return null;
    }

    static String jobSpec(JobSpec s) {
        if (!JOB_NAME.matcher(s.getName()).matches()) {
            return "name must match " + JOB_NAME + ": name='" + s.getName() + "'";
        }
        if (s.getSpecText().getBytes(StandardCharsets.UTF_8).length > MAX_SPEC_BYTES) {
            return "spec_text too large: bytes=" + s.getSpecText().getBytes(StandardCharsets.UTF_8).length + ", max=" + MAX_SPEC_BYTES;
        }
        if (!s.getSpecFormat().isEmpty() && !s.getSpecFormat().equals("yaml") && !s.getSpecFormat().equals("json")) {
            return "spec_format must be yaml or json: spec_format='" + s.getSpecFormat() + "'";
        }
        if (s.getMinWorkers() < 0) {
            return "min_workers must be >= 1 (or 0 for the coordinator default): min_workers=" + s.getMinWorkers();
        }
        if (s.getMaxWorkers() < 0) {
            return "max_workers must be >= min_workers (or 0 for no limit): max_workers=" + s.getMaxWorkers();
        }
        if (s.getMaxWorkers() != 0 && s.getMinWorkers() != 0 && s.getMaxWorkers() < s.getMinWorkers()) {
            return "max_workers must be >= min_workers: min_workers=" + s.getMinWorkers() + ", max_workers=" + s.getMaxWorkers();
        }
        if (s.getSteps() < 1) {
            return "steps must be >= 1: steps=" + s.getSteps();
        }
        return null;
    }

    static String progress(ProgressReport r) {
        String bad = workerId(r.getWorkerId());
        if (bad == null) {
            bad = jobId(r.getJobId());
        }
        if (bad != null) {
            return bad;
        }
        if (r.getGeneration() < 1) {
            return "generation must be >= 1: generation=" + r.getGeneration();
        }
        if (r.getStep() < 0) {
            return "step must be >= 0: step=" + r.getStep();
        }
        if (!Double.isFinite(r.getLoss())) {
            return "loss must be finite: loss=" + r.getLoss();
        }
        if (!(r.getSamplesPerSecond() >= 0) || !Double.isFinite(r.getSamplesPerSecond())) {
            return "samples_per_second must be finite and >= 0: samples_per_second=" + r.getSamplesPerSecond();
        }
        if (r.getEvalCount() > MAX_EVAL_METRICS) {
            return "too many eval metrics: count=" + r.getEvalCount() + ", max=" + MAX_EVAL_METRICS;
        }
        for (Map.Entry<String, Double> e : r.getEvalMap().entrySet()) {
            if (e.getKey().isBlank() || !Double.isFinite(e.getValue())) {
                return "eval metrics need a name and a finite value: name='" + e.getKey() + "', value=" + e.getValue();
            }
        }
        return null;
    }
}
