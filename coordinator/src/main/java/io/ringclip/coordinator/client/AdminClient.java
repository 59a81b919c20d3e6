package io.ringclip.coordinator.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.ringclip.coordinator.api.AdminGrpc;
import io.ringclip.coordinator.api.GetJobRequest;
import io.ringclip.coordinator.api.JobControlRequest;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ListJobsRequest;
import io.ringclip.coordinator.api.ListWorkersRequest;
import io.ringclip.coordinator.api.ListWorkersResponse;
import io.ringclip.coordinator.api.WorkerControlRequest;
import java.time.Duration;
import java.util.List;

/**
 * The admin API with the admin token; every call has the given deadline and throws
 * {@link io.grpc.StatusRuntimeException} on failure (NOT_FOUND, FAILED_PRECONDITION, ...).
 */
public final class AdminClient implements AutoCloseable {

    private final ManagedChannel ownedChannel;
    private final AdminGrpc.AdminBlockingStub admin;
    private final Duration deadline;

    private AdminClient(Channel channel, ManagedChannel ownedChannel, String adminToken, Duration deadline) {
        this.ownedChannel = ownedChannel;
        this.admin = AdminGrpc.newBlockingStub(channel).withInterceptors(Stubs.tokenInterceptor(adminToken));
        this.deadline = deadline;
    }

    /** Plaintext TCP to {@code target} ("host:port"); the client owns that channel. */
    public static AdminClient connect(String target, String adminToken, Duration deadline) {
        ManagedChannel ch = Stubs.plaintext(target);
        return new AdminClient(ch, ch, adminToken, deadline);
    }

    /** Over a channel the caller owns. */
    public static AdminClient create(Channel channel, String adminToken, Duration deadline) {
        return new AdminClient(channel, null, adminToken, deadline);
    }

    private AdminGrpc.AdminBlockingStub stub() {
        return Stubs.deadline(admin, deadline);
    }

    public ListWorkersResponse listWorkers() {
        return stub().listWorkers(ListWorkersRequest.getDefaultInstance());
    }

    public List<JobStatus> listJobs() {
        return stub().listJobs(ListJobsRequest.getDefaultInstance()).getJobsList();
    }

    public JobStatus getJob(String jobId) {
        return stub().getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    }

    public JobStatus stopJob(String jobId, String reason) {
        return stub().stopJob(JobControlRequest.newBuilder().setJobId(jobId).setReason(reason).build());
    }

    public JobStatus cancelJob(String jobId, String reason) {
        return stub().cancelJob(JobControlRequest.newBuilder().setJobId(jobId).setReason(reason).build());
    }

    /** @return the generation started by taking the worker out */
    public long drainWorker(String workerId, String reason) {
        return stub().drainWorker(WorkerControlRequest.newBuilder().setWorkerId(workerId).setReason(reason).build()).getGeneration();
    }

    /** @return the generation started by taking the worker out */
    public long evictWorker(String workerId, String reason) {
        return stub().evictWorker(WorkerControlRequest.newBuilder().setWorkerId(workerId).setReason(reason).build()).getGeneration();
    }

    @Override
    public void close() {
        Stubs.release(ownedChannel);
    }
}
