package io.ringclip.coordinator.server;

import io.grpc.Status;
import java.util.Objects;

/**
 * The result of a coordinator command: a value, or an expected failure already phrased as the
 * gRPC status the caller should see (e.g. NOT_FOUND "unknown worker: worker_id=w3").
 */
public record Outcome<T>(T value, Status failure) {

    public static <T> Outcome<T> ok(T value) {
        return new Outcome<>(Objects.requireNonNull(value, "value"), null);
    }

    public static <T> Outcome<T> fail(Status.Code code, String description) {
        return new Outcome<>(null, Status.fromCode(code).withDescription(description));
    }

    public boolean isOk() {
        return failure == null;
    }
}
