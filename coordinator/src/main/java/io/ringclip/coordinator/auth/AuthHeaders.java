package io.ringclip.coordinator.auth;

import io.grpc.Metadata;

/**
 * The call metadata that carries a token: {@code authorization: Bearer <token>} (preferred) or
 * {@code x-ringclip-token: <token>}. Shared by the server's check and the clients.
 */
public final class AuthHeaders {

    public static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RINGCLIP_TOKEN = Metadata.Key.of("x-ringclip-token", Metadata.ASCII_STRING_MARSHALLER);
    static final String BEARER = "Bearer ";

    private AuthHeaders() {}

    /** Metadata presenting {@code token} as a bearer token. */
    public static Metadata bearer(String token) {
        Metadata md = new Metadata();
        md.put(AUTHORIZATION, BEARER + token);
        return md;
    }

    /**
     * The token presented in {@code headers}: the bearer token if an authorization header is
     * present, else the x-ringclip-token header; {@code null} when neither is there. An
     * authorization header that is not a bearer token yields the empty string (a wrong token).
     */
    public static String presentedToken(Metadata headers) {
        String authorization = headers.get(AUTHORIZATION);
        if (authorization != null) {
            return authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                    ? authorization.substring(BEARER.length()).trim()
                    : "";
        }
        return headers.get(RINGCLIP_TOKEN);
    }
}
