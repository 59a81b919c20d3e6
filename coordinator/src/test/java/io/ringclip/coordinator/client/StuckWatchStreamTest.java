package io.ringclip.coordinator.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.ringclip.coordinator.api.Assignment;
import io.ringclip.coordinator.api.MembershipGrpc;
import io.ringclip.coordinator.membership.ManualClock;
import io.ringclip.coordinator.membership.MembershipConfig;
import io.ringclip.coordinator.server.CommandLoop;
import io.ringclip.coordinator.server.CoordinatorConfig;
import io.ringclip.coordinator.server.CoordinatorServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A watch stream that silently stops delivering (as over a half-open connection) must not leave a
 * worker on an old generation: heartbeat answers show it is behind and the client re-opens the watch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StuckWatchStreamTest {

    /** Lets through only the first message of every WatchAssignment call. */
    private static final class StickyWatch implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            if (!call.getMethodDescriptor().equals(MembershipGrpc.getWatchAssignmentMethod())) {
                return next.startCall(call, headers);
            }
            return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                private boolean sent;

                @Override
                public void sendMessage(R message) {
                    if (!sent) {
                        sent = true;
                        super.sendMessage(message);
                    }
                }
            }, headers);
        }
    }

    @Test
    void shouldReopenAStuckWatchWhenHeartbeatsShowANewerGeneration() throws Exception {
        String name = InProcessServerBuilder.generateName();
        CoordinatorConfig config = CoordinatorConfig.of(MembershipConfig.of(Duration.ofSeconds(3), Duration.ZERO, 1));
        try (CoordinatorServer server = CoordinatorServer.start(InProcessServerBuilder.forName(name).intercept(new StickyWatch()),
                config, new ManualClock(), CommandLoop.singleThread("test-core"))) {
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            ClientOptions options = ClientOptions.defaults().withHeartbeatInterval(Duration.ofMillis(20));
            try (JobClient jobs = JobClient.create(channel, null, Duration.ofSeconds(5));
                    CoordinatorClient w1 = CoordinatorClient.create(channel, new WorkerIdentity("w1", "127.0.0.1", 7001, Map.of()), options);
                    CoordinatorClient w2 = CoordinatorClient.create(channel, new WorkerIdentity("w2", "127.0.0.1", 7002, Map.of()), options)) {
                jobs.submit("clip", "", "yaml", 1, 0, 10);
                w1.start(a -> {});
                Assignment alone = w1.awaitAssignment(a -> a.getWorldSize() == 1, Duration.ofSeconds(10));
                w2.start(a -> {}); // w1's stream will not carry this change
                Assignment pair = w1.awaitAssignment(a -> a.getWorldSize() == 2, Duration.ofSeconds(10));
                assertEquals(alone.getGeneration() + 1, pair.getGeneration());
            } finally {
                channel.shutdownNow();
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }
}
