package io.ringclip.trainer.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret that opens the workers' data connections: {@code HMAC-SHA256(key=job token, msg=job id)},
 * 32 bytes. Every worker of the job derives the same secret from what the coordinator already
 * requires (the job token) and the job it was assigned, so comm's handshake proves that a peer
 * holds the token and works on this job; the token itself never goes on the data port, and a
 * secret leaked from one job does not open another.
 */
public final class JobSecret {

    /** Key used when the coordinator runs without a job token: connections then prove only the job id. */
    static final String NO_TOKEN_KEY = "ringclip-open-coordinator";

    private JobSecret() {}

    public static byte[] derive(String jobToken, String jobId) {
        if (jobId == null || jobId.isEmpty()) {
            throw new IllegalArgumentException("job id required for the job secret: jobId=" + jobId);
        }
        String key = jobToken == null || jobToken.isEmpty() ? NO_TOKEN_KEY : jobToken;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(jobId.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JVM", e);
        }
    }
}
