package io.ringclip.coordinator.server;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.HeartbeatRequest;
import io.ringclip.coordinator.api.HeartbeatResponse;
import io.ringclip.coordinator.api.JoinRequest;
import io.ringclip.coordinator.api.JoinResponse;
import io.ringclip.coordinator.api.LeaveRequest;
import io.ringclip.coordinator.api.LeaveResponse;
import io.ringclip.coordinator.api.MembershipGrpc;
import io.ringclip.coordinator.api.WatchRequest;

import static io.ringclip.coordinator.server.Replies.rejectInvalid;
import static io.ringclip.coordinator.server.Replies.reply;

/** Membership handlers: validate, enqueue on the core, reply. */
final class MembershipService extends MembershipGrpc.MembershipImplBase {

    private final CoordinatorCore core;

    MembershipService(CoordinatorCore core) {
        this.core = core;
    }

    @Override
    public void join(JoinRequest request, StreamObserver<JoinResponse> observer) {
        if (!rejectInvalid(RequestValidation.join(request), observer)) {
            reply(core.join(request), observer, r -> r);
        }
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> observer) {
        if (!rejectInvalid(RequestValidation.workerId(request.getWorkerId()), observer)) {
            reply(core.heartbeat(request.getWorkerId()), observer, r -> r);
        }
    }

    @Override
    public void leave(LeaveRequest request, StreamObserver<LeaveResponse> observer) {
        if (!rejectInvalid(RequestValidation.workerId(request.getWorkerId()), observer)) {
            String reason = request.getReason().isBlank() ? "no reason given" : request.getReason();
            reply(core.leave(request.getWorkerId(), reason), observer,
                    generation -> LeaveResponse.newBuilder().setGeneration(generation).build());
        }
    }

    @Override
    public void watchAssignment(WatchRequest request, StreamObserver<Assignment> observer) {
        if (rejectInvalid(RequestValidation.workerId(request.getWorkerId()), observer)) {
            return;
        }
        ServerCallStreamObserver<Assignment> stream = (ServerCallStreamObserver<Assignment>) observer;
        stream.setOnCancelHandler(() -> core.unwatch(request.getWorkerId(), stream)); // only allowed here, synchronously
        core.watch(request.getWorkerId(), stream).whenComplete((o, error) -> {
            if (error != null) {
                observer.onError(io.grpc.Status.INTERNAL.withDescription("watch failed: " + error).asRuntimeException());
            } else if (!o.isOk()) {
                observer.onError(o.failure().asRuntimeException());
            }
            // else: the core owns the stream now and completes it when the worker is removed
        });
    }
}
