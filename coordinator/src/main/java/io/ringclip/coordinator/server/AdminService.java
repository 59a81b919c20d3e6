package io.ringclip.coordinator.server;

import io.grpc.stub.StreamObserver;
import io.ringclip.coordinator.api.AdminGrpc;
import io.ringclip.coordinator.api.GetJobRequest;
import io.ringclip.coordinator.api.JobControlRequest;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.ListJobsRequest;
import io.ringclip.coordinator.api.ListJobsResponse;
import io.ringclip.coordinator.api.ListWorkersRequest;
import io.ringclip.coordinator.api.ListWorkersResponse;
import io.ringclip.coordinator.api.WorkerControlRequest;
import io.ringclip.coordinator.api.WorkerControlResponse;

import static io.ringclip.coordinator.server.Replies.rejectInvalid;
import static io.ringclip.coordinator.server.Replies.reply;

/** Admin handlers: validate, enqueue on the core, reply. */
final class AdminService extends AdminGrpc.AdminImplBase {

    private final CoordinatorCore core;

    AdminService(CoordinatorCore core) {
        this.core = core;
    }

    @Override
    public void listWorkers(ListWorkersRequest request, StreamObserver<ListWorkersResponse> observer) {
        reply(core.listWorkers(), observer, r -> r);
    }

    @Override
    public void listJobs(ListJobsRequest request, StreamObserver<ListJobsResponse> observer) {
        reply(core.listJobs(), observer, jobs -> ListJobsResponse.newBuilder().addAllJobs(jobs).build());
    }

    @Override
    public void getJob(GetJobRequest request, StreamObserver<JobStatus> observer) {
        if (!rejectInvalid(RequestValidation.jobId(request.getJobId()), observer)) {
            reply(core.getJob(request.getJobId()), observer, r -> r);
        }
    }

    @Override
    public void stopJob(JobControlRequest request, StreamObserver<JobStatus> observer) {
        if (!rejectInvalid(RequestValidation.jobId(request.getJobId()), observer)) {
            reply(core.stopJob(request.getJobId(), reasonOrDefault(request.getReason())), observer, r -> r);
        }
    }

    @Override
    public void cancelJob(JobControlRequest request, StreamObserver<JobStatus> observer) {
        if (!rejectInvalid(RequestValidation.jobId(request.getJobId()), observer)) {
            reply(core.cancelJob(request.getJobId(), reasonOrDefault(request.getReason())), observer, r -> r);
        }
    }

    @Override
    public void drainWorker(WorkerControlRequest request, StreamObserver<WorkerControlResponse> observer) {
        if (!rejectInvalid(RequestValidation.workerId(request.getWorkerId()), observer)) {
            reply(core.drainWorker(request.getWorkerId(), reasonOrDefault(request.getReason())), observer,
                    g -> WorkerControlResponse.newBuilder().setGeneration(g).build());
        }
    }

    @Override
    public void evictWorker(WorkerControlRequest request, StreamObserver<WorkerControlResponse> observer) {
        if (!rejectInvalid(RequestValidation.workerId(request.getWorkerId()), observer)) {
            reply(core.evictWorker(request.getWorkerId(), reasonOrDefault(request.getReason())), observer,
                    g -> WorkerControlResponse.newBuilder().setGeneration(g).build());
        }
    }

    private static String reasonOrDefault(String reason) {
        return reason.isBlank() ? "no reason given" : reason;
    }
}
