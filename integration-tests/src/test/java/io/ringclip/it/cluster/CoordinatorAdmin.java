package io.ringclip.it.cluster;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.ringclip.coordinator.api.AdminGrpc;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.LaunchGrpc;
import io.ringclip.coordinator.api.ListJobsRequest;
import io.ringclip.coordinator.api.ListWorkersRequest;
import io.ringclip.coordinator.api.ListWorkersResponse;
import io.ringclip.coordinator.api.SubmitJobRequest;
import io.ringclip.coordinator.auth.AuthHeaders;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the tests read from a coordinator in a container: its admin API over the published gRPC
 * port, with the admin token (which the coordinator also accepts for launch calls). Every call
 * has a deadline.
 */
public final class CoordinatorAdmin implements AutoCloseable {

    /** Generous: the first call also connects, on a machine busy starting several JVMs. */
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(15);

    private final ManagedChannel channel;
    private final AdminGrpc.AdminBlockingStub admin;
    private final LaunchGrpc.LaunchBlockingStub launch;

    public CoordinatorAdmin(String host, int port, String adminToken) {
        this.channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
        var auth = MetadataUtils.newAttachHeadersInterceptor(AuthHeaders.bearer(adminToken));
        this.admin = AdminGrpc.newBlockingStub(channel).withInterceptors(auth);
        this.launch = LaunchGrpc.newBlockingStub(channel).withInterceptors(auth);
    }

    public ListWorkersResponse workers() {
        return admin.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .listWorkers(ListWorkersRequest.getDefaultInstance());
    }

    public List<JobStatus> jobs() {
        return admin.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .listJobs(ListJobsRequest.getDefaultInstance())
                .getJobsList();
    }

    public JobStatus submit(JobSpec spec) {
        return launch.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
