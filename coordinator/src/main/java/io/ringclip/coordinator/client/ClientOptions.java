package io.ringclip.coordinator.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a client talks to the coordinator.
 *
 * @param token             job (or admin) token sent as a bearer token; {@code null} sends none
 * @param callDeadline      deadline of every unary call
 * @param heartbeatInterval {@code null}: the interval the coordinator asks for on join
 * @param initialBackoff    first retry delay after a failed join or a broken watch stream
 * @param maxBackoff        retry delays double up to this
 * @param watchDeadline     a watch stream is re-opened after this long (streams have deadlines too)
 */
public record ClientOptions(String token, Duration callDeadline, Duration heartbeatInterval, Duration initialBackoff,
        Duration maxBackoff, Duration watchDeadline) {

    public ClientOptions {
        Objects.requireNonNull(callDeadline, "callDeadline");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(watchDeadline, "watchDeadline");
        if (callDeadline.isNegative() || callDeadline.isZero()) {
            throw new IllegalArgumentException("call deadline must be > 0: callDeadline=" + callDeadline);
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 < initialBackoff <= maxBackoff: initialBackoff=" + initialBackoff
                    + ", maxBackoff=" + maxBackoff);
        }
        if (heartbeatInterval != null && (heartbeatInterval.isNegative() || heartbeatInterval.isZero())) {
            throw new IllegalArgumentException("heartbeat interval must be > 0: heartbeatInterval=" + heartbeatInterval);
        }
    }

    public static ClientOptions defaults() {
        return new ClientOptions(null, Duration.ofSeconds(5), null, Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(5));
    }

    public ClientOptions withToken(String t) {
        return new ClientOptions(t, callDeadline, heartbeatInterval, initialBackoff, maxBackoff, watchDeadline);
    }

    public ClientOptions withCallDeadline(Duration d) {
        return new ClientOptions(token, d, heartbeatInterval, initialBackoff, maxBackoff, watchDeadline);
    }

    public ClientOptions withHeartbeatInterval(Duration d) {
        return new ClientOptions(token, callDeadline, d, initialBackoff, maxBackoff, watchDeadline);
    }

    public ClientOptions withBackoff(Duration initial, Duration max) {
        return new ClientOptions(token, callDeadline, heartbeatInterval, initial, max, watchDeadline);
    }
}
