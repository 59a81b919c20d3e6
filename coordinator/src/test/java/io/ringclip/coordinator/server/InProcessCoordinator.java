package io.ringclip.coordinator.server;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.ringclip.coordinator.api.AdminGrpc;
import io.ringclip.coordinator.api.LaunchGrpc;
import io.ringclip.coordinator.api.MembershipGrpc;
import io.ringclip.coordinator.auth.AuthHeaders;
import io.ringclip.coordinator.membership.ManualClock;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A coordinator on the in-process transport with {@code directExecutor} everywhere and a
 * {@link CommandLoop#direct() direct} command loop: every call runs to completion on the test
 * thread, and time moves only with {@link #clock}.
 */
final class InProcessCoordinator implements AutoCloseable {

    static final String JOB_TOKEN = "job-secret";
    static final String ADMIN_TOKEN = "admin-secret";

    final ManualClock clock = new ManualClock();
    final CoordinatorServer server;
    final ManagedChannel channel;

    InProcessCoordinator(CoordinatorConfig config) throws IOException {
        String name = InProcessServerBuilder.generateName();
        server = CoordinatorServer.start(InProcessServerBuilder.forName(name).directExecutor(), config, clock, CommandLoop.direct());
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    }

    static <S extends AbstractStub<S>> S withToken(S stub, String token) {
        Metadata md = token == null ? new Metadata() : AuthHeaders.bearer(token);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md)).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    MembershipGrpc.MembershipBlockingStub membership() {
        return withToken(MembershipGrpc.newBlockingStub(channel), JOB_TOKEN);
    }

    MembershipGrpc.MembershipStub membershipAsync() {
        return withToken(MembershipGrpc.newStub(channel), JOB_TOKEN);
    }

    LaunchGrpc.LaunchBlockingStub launch() {
        return withToken(LaunchGrpc.newBlockingStub(channel), JOB_TOKEN);
    }

    AdminGrpc.AdminBlockingStub admin() {
        return withToken(AdminGrpc.newBlockingStub(channel), ADMIN_TOKEN);
    }

    /** Runs the coordinator's periodic duty once at the current manual time. */
    void tick() {
        server.core().tick();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
    }
}
