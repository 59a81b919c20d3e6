package io.ringclip.coordinator.membership;

/**
 * Time as the coordinator sees it: a monotonic clock for deadlines and a wall clock for what
 * people read (journal, admin tables). Injected so tests advance time instead of sleeping.
 */
public interface CoordinatorClock {

    /** Monotonic nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Wall-clock milliseconds since the Unix epoch. */
    long currentTimeMillis();

    static CoordinatorClock system() {
        return SystemClock.INSTANCE;
    }

    enum SystemClock implements CoordinatorClock {
        INSTANCE;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    }
}
