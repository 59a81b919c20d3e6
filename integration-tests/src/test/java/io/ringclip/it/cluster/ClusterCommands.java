package io.ringclip.it.cluster;

/**
 * The command lines the cluster containers run: the same subcommands and flags as
 * docker-compose.yml and deploy/k8s, so these tests exercise what users deploy.
 */
final class ClusterCommands {

    private ClusterCommands() {}

    /**
     * Tokens come from RINGCLIP_JOB_TOKEN / RINGCLIP_ADMIN_TOKEN in the container's environment.
     * The heartbeat timeout is docker-compose.yml's 10 s: a 2-core machine running several JVMs
     * can starve a worker for more than the 3 s default.
     */
    static String[] coordinator(int grpcPort, int metricsPort, String journalDir) {
        return new String[] {
            "coordinator",
            "--port=" + grpcPort,
            "--metrics-port=" + metricsPort,
            "--journal=" + journalDir,
            "--heartbeat-timeout=10s",
        };
    }

    /** The job token comes from RINGCLIP_JOB_TOKEN in the container's environment; run dirs go to the shared volume. */
    static String[] worker(String workerId, String coordinatorAddress, String outDir) {
        return new String[] {
            "worker",
            "--coordinator=" + coordinatorAddress,
            "--worker-id=" + workerId,
            "--out=" + outDir,
        };
    }
}
