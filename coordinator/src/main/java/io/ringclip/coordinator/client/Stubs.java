package io.ringclip.coordinator.client;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.ringclip.coordinator.auth.AuthHeaders;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stub decoration shared by the clients: the token header and a per-call deadline. */
final class Stubs {

    private Stubs() {}

    static ClientInterceptor tokenInterceptor(String token) {
        return MetadataUtils.newAttachHeadersInterceptor(token == null ? new Metadata() : AuthHeaders.bearer(token));
    }

    /** The deadline starts now: call this right before each call. */
    static <S extends AbstractStub<S>> S deadline(S stub, Duration d) {
        return stub.withDeadlineAfter(d.toNanos(), TimeUnit.NANOSECONDS);
    }
}
