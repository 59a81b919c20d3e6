package io.ringclip.coordinator.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Turns a command's {@link Outcome} into a unary gRPC reply. */
final class Replies {

    private Replies() {}

    static <T, R> void reply(CompletableFuture<Outcome<T>> outcome, StreamObserver<R> observer, Function<T, R> toResponse) {
        outcome.whenComplete((o, error) -> {
            if (error != null) {
                observer.onError(Status.INTERNAL.withDescription("coordinator command failed: " + error).withCause(error)
                        .asRuntimeException());
            } else if (!o.isOk()) {
                observer.onError(o.failure().asRuntimeException());
            } else {
                observer.onNext(toResponse.apply(o.value()));
                observer.onCompleted();
            }
        });
    }

    /** Rejects the call with INVALID_ARGUMENT when {@code problem} is non-null; returns whether it did. */
    static boolean rejectInvalid(String problem, StreamObserver<?> observer) {
        if (problem == null) {
            return false;
        }
        observer.onError(Status.INVALID_ARGUMENT.withDescription(problem).asRuntimeException());
        return true;
    }
}
