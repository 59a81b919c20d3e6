package io.ringclip.it.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import io.ringclip.it.docker.RingclipImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * A ringclip cluster in containers on one private Docker network: a coordinator (network alias
 * {@code coordinator}, gRPC port published to the test) and workers {@code worker-0 … worker-N-1},
 * all from the image under test, with the same commands docker-compose.yml runs. The faults the
 * tests inject are Docker operations: SIGKILL a worker, cut a worker off the network, kill and
 * restart the coordinator (its journal survives in the container's filesystem).
 *
 * <p>On close every container's log is written to {@code target/cluster-logs/<name>/} so a failed
 * run can be read afterwards.
 */
final class RingclipCluster implements AutoCloseable {

    static final String JOB_TOKEN = "it-job-token";
    static final String ADMIN_TOKEN = "it-admin-token";
    static final int GRPC_PORT = 7070;
    static final int METRICS_PORT = 9090;
    static final String JOURNAL_DIR = "/var/lib/ringclip/journal";
    /** A Docker volume shared by all workers, as `checkpoints` is under docker-compose. */
    static final String CHECKPOINTS_DIR = "/checkpoints";
    /** A worker whose ring broke exits non-zero; Docker restarts it and it re-joins (compose: restart: on-failure). */
    private static final int WORKER_RESTARTS = 5;

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final int WORKER_MEMORY_MIB = 1024;

    private final String name;
    private final Network network = Network.newNetwork();
    private final String checkpointsVolume;
    private final GenericContainer<?> coordinator;
    private final List<GenericContainer<?>> workers = new ArrayList<>();
    private CoordinatorAdmin admin;

    private RingclipCluster(String name) {
        this.name = name;
        this.checkpointsVolume = "ringclip-it-" + name + "-" + Long.toString(System.nanoTime(), 36);
        this.coordinator = new GenericContainer<>(RingclipImage.NAME)
                .withNetwork(network)
                .withNetworkAliases("coordinator")
                .withExposedPorts(GRPC_PORT, METRICS_PORT)
                // The coordinator (and `ringclip admin` exec'd beside it) read the tokens from here.
                .withEnv("RINGCLIP_JOB_TOKEN", JOB_TOKEN)
                .withEnv("RINGCLIP_ADMIN_TOKEN", ADMIN_TOKEN)
                .withCommand(ClusterCommands.coordinator(GRPC_PORT, METRICS_PORT, JOURNAL_DIR))
                .waitingFor(Wait.forListeningPort().withStartupTimeout(STARTUP_TIMEOUT));
    }

    /** Starts the coordinator and {@code workerCount} workers. */
    static RingclipCluster start(String name, int workerCount) {
        RingclipCluster cluster = new RingclipCluster(name);
        try {
            cluster.coordinator.start();
            // A listening port is not yet an answering server: wait for the admin API itself.
            Await.until("the coordinator's admin API to answer", STARTUP_TIMEOUT, () -> cluster.admin().workers(), r -> true);
            for (int i = 0; i < workerCount; i++) {
                cluster.addWorker();
            }
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** Starts one more worker, {@code worker-<index>}; returns its index. */
    int addWorker() {
        int index = workers.size();
        String id = "worker-" + index;
        GenericContainer<?> worker = new GenericContainer<>(RingclipImage.NAME)
                .withNetwork(network)
                .withNetworkAliases(id)
                .withCreateContainerCmdModifier(cmd -> cmd.withHostName(id)
                        .getHostConfig()
                        .withMemory((long) WORKER_MEMORY_MIB << 20)
                        .withRestartPolicy(RestartPolicy.onFailureRestart(WORKER_RESTARTS))
                        .withBinds(new Bind(checkpointsVolume, new Volume(CHECKPOINTS_DIR))))
                .withEnv("RINGCLIP_JOB_TOKEN", JOB_TOKEN)
                .withCommand(ClusterCommands.worker(id, "coordinator:" + GRPC_PORT, CHECKPOINTS_DIR));
        workers.add(worker);
        worker.start();
        return index;
    }

    /** The coordinator's admin API; re-resolved after a coordinator restart. */
    synchronized CoordinatorAdmin admin() {
        if (admin == null) {
            admin = new CoordinatorAdmin(coordinator.getHost(), publishedPort(coordinator.getContainerId(), GRPC_PORT), ADMIN_TOKEN);
        }
        return admin;
    }

    /** SIGKILL, as when a machine dies: no leave message reaches the coordinator. */
    void killWorker(int index) {
        docker().killContainerCmd(workers.get(index).getContainerId()).withSignal("KILL").exec();
    }

    /** Cuts the worker off the cluster network; the process keeps running, isolated. */
    void disconnectWorker(int index) {
        docker().disconnectFromNetworkCmd()
                .withContainerId(workers.get(index).getContainerId())
                .withNetworkId(network.getId())
                .withForce(true)
                .exec();
    }

    /** SIGKILL the coordinator, then start the same container again (same filesystem, same journal). */
    synchronized void crashAndRestartCoordinator() throws InterruptedException {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        String id = coordinator.getContainerId();
        docker().killContainerCmd(id).withSignal("KILL").exec();
        docker().startContainerCmd(id).exec();
    }

    /** Runs a command in the coordinator container (whose environment holds the tokens, as under compose). */
    ExecResult execInCoordinator(String... command) throws IOException, InterruptedException {
        return coordinator.execInContainer(command);
    }

    /** The Prometheus endpoint as the test machine reaches it. */
    String metricsUrl() {
        return "http://" + coordinator.getHost() + ":" + publishedPort(coordinator.getContainerId(), METRICS_PORT) + "/metrics";
    }

    String workerLogs(int index) {
        return workers.get(index).getLogs();
    }

    String coordinatorLogs() {
        return coordinator.getLogs();
    }

    /** The host port Docker published for {@code containerPort}, read fresh (it can change on restart). */
    private static int publishedPort(String containerId, int containerPort) {
        Ports.Binding[] bindings = docker().inspectContainerCmd(containerId).exec()
                .getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(containerPort));
        if (bindings == null || bindings.length == 0) {
            throw new IllegalStateException("port not published: container=" + containerId + ", port=" + containerPort);
        }
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    @Override
    public void close() {
        Path logDir = Path.of("target", "cluster-logs", name);
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            if (admin != null) {
                try {
                    admin.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        saveLogsAndStop(coordinator, logDir.resolve("coordinator.log"));
        for (int i = 0; i < workers.size(); i++) {
            saveLogsAndStop(workers.get(i), logDir.resolve("worker-" + i + ".log"));
        }
        network.close();
        try {
            docker().removeVolumeCmd(checkpointsVolume).exec();
        } catch (RuntimeException e) {
            // never created (no worker started) or already gone
        }
    }

    private static void saveLogsAndStop(GenericContainer<?> container, Path log) {
        try {
            if (container.getContainerId() != null) {
                Files.writeString(log, container.getLogs());
            }
        } catch (IOException | RuntimeException e) {
            // logs are a diagnostic; never let them hide the test's own outcome
        } finally {
            container.stop();
        }
    }
}
