package io.ringclip.coordinator.membership;

/**
 * How many workers the active job wants.
 *
 * @param minWorkers the ring is published only with at least this many workers (>= 1)
 * @param maxWorkers at most this many workers are in the ring; 0 = no upper bound
 */
public record JobLimits(int minWorkers, int maxWorkers) {

    public JobLimits {
        if (minWorkers < 1) {
            throw new IllegalArgumentException("min workers must be >= 1: minWorkers=" + minWorkers);
        }
        if (maxWorkers != 0 && maxWorkers < minWorkers) {
            throw new IllegalArgumentException(
                    "max workers must be 0 or >= min workers: minWorkers=" + minWorkers + ", maxWorkers=" + maxWorkers);
        }
    }

    boolean atCapacity(int workers) {
        return maxWorkers != 0 && workers >= maxWorkers;
    }

    int ringSize(int workers) {
        return maxWorkers == 0 ? workers : Math.min(workers, maxWorkers);
    }
}
