package io.ringclip.coordinator.server;

import io.grpc.stub.StreamObserver;
import io.ringclip.coordinator.api.GetJobRequest;
import io.ringclip.coordinator.api.JobResultReport;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.LaunchGrpc;
import io.ringclip.coordinator.api.ListJobsRequest;
import io.ringclip.coordinator.api.ListJobsResponse;
import io.ringclip.coordinator.api.ProgressAck;
import io.ringclip.coordinator.api.ProgressReport;
import io.ringclip.coordinator.api.SubmitJobRequest;

import static io.ringclip.coordinator.server.Replies.rejectInvalid;
import static io.ringclip.coordinator.server.Replies.reply;

/** Launch handlers: validate, enqueue on the core, reply. */
final class LaunchService extends LaunchGrpc.LaunchImplBase {

    private final CoordinatorCore core;

    LaunchService(CoordinatorCore core) {
        this.core = core;
    }

    @Override
    public void submitJob(SubmitJobRequest request, StreamObserver<JobStatus> observer) {
        if (!request.hasSpec()) {
            rejectInvalid("spec is required: has_spec=false", observer);
        } else if (!rejectInvalid(RequestValidation.jobSpec(request.getSpec()), observer)) {
            reply(core.submitJob(request.getSpec()), observer, r -> r);
        }
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
    public void reportProgress(ProgressReport request, StreamObserver<ProgressAck> observer) {
        if (!rejectInvalid(RequestValidation.progress(request), observer)) {
            reply(core.reportProgress(request), observer, r -> r);
        }
    }

    @Override
    public void reportResult(JobResultReport request, StreamObserver<JobStatus> observer) {
        String bad = RequestValidation.workerId(request.getWorkerId());
        if (bad == null) {
            bad = RequestValidation.jobId(request.getJobId());
        }
        if (bad == null && request.getGeneration() < 1) {
            bad = "generation must be >= 1: generation=" + request.getGeneration();
        }
        if (!rejectInvalid(bad, observer)) {
            reply(core.reportResult(request), observer, r -> r);
        }
    }
}
