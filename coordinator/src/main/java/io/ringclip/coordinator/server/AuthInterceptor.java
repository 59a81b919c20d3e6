package io.ringclip.coordinator.server;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.ringclip.coordinator.auth.AuthHeaders;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;

/**
 * Admits a call only with one of the accepted tokens in its metadata; a refused call is closed
 * before its handler runs, so it changes nothing. Missing token: UNAUTHENTICATED; a token that is
 * not accepted: PERMISSION_DENIED. Tokens are compared in constant time.
 */
final class AuthInterceptor implements ServerInterceptor {

    private final String role;
    private final List<byte[]> accepted;

    /**
     * @param role           what the tokens grant, for messages ("job", "admin")
     * @param acceptedTokens non-empty list of tokens that grant the role
     */
    AuthInterceptor(String role, List<String> acceptedTokens) {
        this.role = Objects.requireNonNull(role, "role");
        this.accepted = acceptedTokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String token = AuthHeaders.presentedToken(headers);
        if (token == null) {
            return refuse(call, Status.UNAUTHENTICATED.withDescription("missing " + role + " token: send 'authorization: Bearer <token>'"
                    + " or 'x-ringclip-token', method=" + call.getMethodDescriptor().getFullMethodName()));
        }
        if (accepted.isEmpty()) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription(role + " API disabled: the coordinator was started without a "
                    + role + " token, method=" + call.getMethodDescriptor().getFullMethodName()));
        }
        byte[] presented = token.getBytes(StandardCharsets.UTF_8);
        boolean ok = false;
        for (byte[] t : accepted) {
            ok |= MessageDigest.isEqual(t, presented);
        }
        if (!ok) {
            return refuse(call, Status.PERMISSION_DENIED.withDescription("wrong " + role + " token, method="
                    + call.getMethodDescriptor().getFullMethodName()));
        }
        return next.startCall(call, headers);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
