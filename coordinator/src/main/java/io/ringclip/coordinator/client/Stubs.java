package io.ringclip.coordinator.client;

import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.ringclip.coordinator.auth.AuthHeaders;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What the clients share: a plaintext channel they own, the token header and a per-call deadline. */
final class Stubs {

    private Stubs() {}

    static ClientInterceptor tokenInterceptor(String token) {
        return MetadataUtils.newAttachHeadersInterceptor(token == null ? new Metadata() : AuthHeaders.bearer(token));
    }

    /** The deadline starts now: call this right before each call. */
    static <S extends AbstractStub<S>> S deadline(S stub, Duration d) {
        return stub.withDeadlineAfter(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Plaintext TCP to {@code target} ("host:port"); the caller owns the channel and {@link #release}s it. */
    static ManagedChannel plaintext(String target) {
        return Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    }

    /** Shuts down a channel the client owns (null: the caller owns it) and waits up to 5 s for it. */
    static void release(ManagedChannel owned) {
        if (owned == null) {
            return;
        }
        owned.shutdownNow();
        try {
            owned.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
