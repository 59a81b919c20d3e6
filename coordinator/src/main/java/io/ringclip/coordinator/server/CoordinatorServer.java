package io.ringclip.coordinator.server;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ringclip.coordinator.api.AdminGrpc;
import io.ringclip.coordinator.api.LaunchGrpc;
import io.ringclip.coordinator.api.MembershipGrpc;
import io.ringclip.coordinator.job.FileJournal;
import io.ringclip.coordinator.job.JobTable;
import io.ringclip.coordinator.job.Journal;
import io.ringclip.coordinator.membership.CoordinatorClock;
import io.ringclip.coordinator.membership.MembershipStateMachine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The coordinator's lifecycle: builds the core and its services onto a caller-supplied
 * {@link ServerBuilder} (Netty in production, in-process in tests), starts it, and shuts it down
 * gracefully, then forcibly. Services: Membership and Launch (job token), Admin (admin token),
 * the standard health service and server reflection (both open).
 */
public final class CoordinatorServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CoordinatorServer.class.getName());

    private final Server server;
    private final CoordinatorCore core;
    private final CommandLoop loop;
    private final Journal journal;
    private final HealthStatusManager health;
    private final PrometheusMeterRegistry registry;

    private CoordinatorServer(Server server, CoordinatorCore core, CommandLoop loop, Journal journal,
            HealthStatusManager health, PrometheusMeterRegistry registry) {
        this.server = server;
        this.core = core;
        this.loop = loop;
        this.journal = journal;
        this.health = health;
        this.registry = registry;
    }

    /** Starts with the system clock and a dedicated command thread. */
    public static CoordinatorServer start(ServerBuilder<?> builder, CoordinatorConfig config) throws IOException {
        return start(builder, config, CoordinatorClock.system(), CommandLoop.singleThread("ringclip-coordinator"));
    }

    /**
     * An in-process coordinator named {@code name} (simulation mode: workers as threads of one JVM);
     * clients connect with {@code InProcessChannelBuilder.forName(name).build()}.
     */
    public static CoordinatorServer startInProcess(String name, CoordinatorConfig config) throws IOException {
        return start(InProcessServerBuilder.forName(name), config);
    }

    /** Starts with the given clock and command loop (tests: a manual clock and {@link CommandLoop#direct()}). */
    @SuppressWarnings("deprecation") // ProtoReflectionService (v1alpha) stays for older grpcurl versions
    public static CoordinatorServer start(ServerBuilder<?> builder, CoordinatorConfig config, CoordinatorClock clock, CommandLoop loop)
            throws IOException {
        Journal journal = Journal.NONE;
        JobTable jobs;
        if (config.journalDir() != null) {
            FileJournal file = FileJournal.open(config.journalDir());
            journal = file;
            jobs = JobTable.recover(file.recovered(), file);
            LOG.info("journal opened: file=" + file.file() + ", records=" + file.recovered().size());
        } else {
            jobs = new JobTable(Journal.NONE);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CoordinatorCore core = new CoordinatorCore(clock, new MembershipStateMachine(clock, config.membership()), jobs, loop, registry);
        loop.scheduleTicks(core::tick, config.tickInterval());

        List<String> jobTokens = new ArrayList<>();
        if (config.jobToken() != null) {
            jobTokens.add(config.jobToken());
            if (config.adminToken() != null) {
                jobTokens.add(config.adminToken());
            }
        }
        List<String> adminTokens = config.adminToken() == null ? List.of() : List.of(config.adminToken());
        HealthStatusManager health = new HealthStatusManager();
        builder.addService(withJobAuth(new MembershipService(core), jobTokens))
                .addService(withJobAuth(new LaunchService(core), jobTokens))
                .addService(ServerInterceptors.intercept(new AdminService(core), new AuthInterceptor("admin", adminTokens)))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .addService(ProtoReflectionService.newInstance());
        Server server;
        try {
            server = builder.build().start();
        } catch (IOException | RuntimeException e) {
            loop.close();
            journal.close();
            throw e;
        }
        for (String service : List.of("", MembershipGrpc.SERVICE_NAME, LaunchGrpc.SERVICE_NAME, AdminGrpc.SERVICE_NAME)) {
            health.setStatus(service, ServingStatus.SERVING);
        }
        return new CoordinatorServer(server, core, loop, journal, health, registry);
    }

    /** No token configured: the service is open (a single-user or simulation setup). */
    private static ServerServiceDefinition withJobAuth(BindableService service, List<String> tokens) {
        return tokens.isEmpty() ? service.bindService() : ServerInterceptors.intercept(service, new AuthInterceptor("job", tokens));
    }

    public CoordinatorCore core() {
        return core;
    }

    public PrometheusMeterRegistry meterRegistry() {
        return registry;
    }

    /** The bound port (meaningful for socket transports). */
    public int port() {
        return server.getPort();
    }

    /** True from start until {@link #close()} begins. */
    public boolean isServing() {
        return !server.isShutdown();
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Health goes NOT_SERVING, then a graceful shutdown (5 s), then a forced one. */
    @Override
    public void close() {
        health.enterTerminalState();
        try {
            core.closeWatchers().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warning("closing watch streams failed: " + e);
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            loop.close();
            journal.close();
            registry.close();
        }
    }
}
