package io.ringclip.coordinator.server;

import io.ringclip.coordinator.membership.MembershipConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a coordinator runs, resolved once at start-up.
 *
 * @param membership   heartbeat timeout, join timeout, default min_workers
 * @param journalDir   where the job journal lives; {@code null} keeps jobs in memory only
 * @param jobToken     token for membership and launch calls; {@code null} leaves them open
 * @param adminToken   token for admin calls (also accepted for membership and launch);
 *                     {@code null} disables the admin API
 * @param tickInterval how often heartbeat deadlines and join timeouts are checked
 */
public record CoordinatorConfig(MembershipConfig membership, Path journalDir, String jobToken, String adminToken, Duration tickInterval) {

    public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofMillis(50);

    public CoordinatorConfig {
        Objects.requireNonNull(membership, "membership");
        Objects.requireNonNull(tickInterval, "tickInterval");
        if (tickInterval.isNegative() || tickInterval.isZero()) {
            throw new IllegalArgumentException("tick interval must be > 0: tickInterval=" + tickInterval);
        }
        if (jobToken != null && jobToken.isBlank()) {
            throw new IllegalArgumentException("job token must not be blank (omit it to leave job calls open)");
        }
        if (adminToken != null && adminToken.isBlank()) {
            throw new IllegalArgumentException("admin token must not be blank (omit it to disable the admin API)");
        }
    }

    public static CoordinatorConfig of(MembershipConfig membership) {
        return new CoordinatorConfig(membership, null, null, null, DEFAULT_TICK_INTERVAL);
    }

    public CoordinatorConfig withJournal(Path dir) {
        return new CoordinatorConfig(membership, dir, jobToken, adminToken, tickInterval);
    }

    public CoordinatorConfig withTokens(String job, String admin) {
        return new CoordinatorConfig(membership, journalDir, job, admin, tickInterval);
    }

    public CoordinatorConfig withTickInterval(Duration interval) {
        return new CoordinatorConfig(membership, journalDir, jobToken, adminToken, interval);
    }
}
