package io.ringclip.coordinator.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.ringclip.coordinator.api.GetJobRequest;
import io.ringclip.coordinator.api.JobSpec;
import io.ringclip.coordinator.api.JobStatus;
import io.ringclip.coordinator.api.LaunchGrpc;
import io.ringclip.coordinator.api.ListJobsRequest;
import io.ringclip.coordinator.api.SubmitJobRequest;
import java.time.Duration;
import java.util.List;

/** Submits and reads jobs with the job token (the Launch service); every call has a deadline. */
public final class JobClient implements AutoCloseable {

    private final ManagedChannel ownedChannel;
    private final LaunchGrpc.LaunchBlockingStub launch;
    private final Duration deadline;

    private JobClient(Channel channel, ManagedChannel ownedChannel, String token, Duration deadline) {
        this.ownedChannel = ownedChannel;
        this.launch = LaunchGrpc.newBlockingStub(channel).withInterceptors(Stubs.tokenInterceptor(token));
        this.deadline = deadline;
    }

    public static JobClient connect(String target, String token, Duration deadline) {
        ManagedChannel ch = Stubs.plaintext(target);
        return new JobClient(ch, ch, token, deadline);
    }

    public static JobClient create(Channel channel, String token, Duration deadline) {
        return new JobClient(channel, null, token, deadline);
    }

    /**
     * Submits a job: {@code specText} is the trainer's YAML/JSON spec, carried verbatim to workers.
     *
     * @param maxWorkers 0 = no upper bound; @param minWorkers 0 = the coordinator's default
     */
    public JobStatus submit(String name, String specText, String specFormat, int minWorkers, int maxWorkers, long steps) {
        return submit(JobSpec.newBuilder().setName(name).setSpecText(specText).setSpecFormat(specFormat)
                .setMinWorkers(minWorkers).setMaxWorkers(maxWorkers).setSteps(steps).build());
    }

    public JobStatus submit(JobSpec spec) {
        return Stubs.deadline(launch, deadline).submitJob(SubmitJobRequest.newBuilder().setSpec(spec).build());
    }

    public JobStatus get(String jobId) {
        return Stubs.deadline(launch, deadline).getJob(GetJobRequest.newBuilder().setJobId(jobId).build());
    }

    public List<JobStatus> list() {
        return Stubs.deadline(launch, deadline).listJobs(ListJobsRequest.getDefaultInstance()).getJobsList();
    }

    @Override
    public void close() {
        Stubs.release(ownedChannel);
    }
}
