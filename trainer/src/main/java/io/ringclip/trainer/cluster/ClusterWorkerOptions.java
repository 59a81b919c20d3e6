package io.ringclip.trainer.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a cluster worker runs, resolved once from the command line.
 *
 * @param workerId          stable name of this worker at the coordinator, [A-Za-z0-9._-]{1,128}
 * @param host              address peers use to reach this worker's data port
 * @param dataPort          collective transport port (0 = any free port, published to the coordinator)
 * @param jobToken          the coordinator's job token (null when it runs open); also keys the data-port secret
 * @param outRoot           run directories go to {@code outRoot/<job id>} (checkpoints); null: under the job spec's {@code out}
 * @param gemmThreads       matmul threads of this process
 * @param ringTimeout       longest wait for a running ring: the first rendezvous, or a paused job to resume
 * @param generationTimeout after a failed collective, longest wait for the coordinator to start a new generation
 * @param opTimeout         deadline of one collective operation
 * @param connectTimeout    deadline for connecting to the peers of one generation
 */
public record ClusterWorkerOptions(String workerId, String host, int dataPort, String jobToken, Path outRoot, int gemmThreads,
        Duration ringTimeout, Duration generationTimeout, Duration opTimeout, Duration connectTimeout) {

    public ClusterWorkerOptions {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ringTimeout, "ringTimeout");
        Objects.requireNonNull(generationTimeout, "generationTimeout");
        Objects.requireNonNull(opTimeout, "opTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (!workerId.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("worker id must match [A-Za-z0-9._-]{1,128}: workerId=" + workerId);
        }
        if (dataPort < 0 || dataPort > 65535) {
            throw new IllegalArgumentException("data port must be in 0..65535: dataPort=" + dataPort);
        }
        if (gemmThreads < 1) {
            throw new IllegalArgumentException("gemm threads must be >= 1: gemmThreads=" + gemmThreads);
        }
    }
}
