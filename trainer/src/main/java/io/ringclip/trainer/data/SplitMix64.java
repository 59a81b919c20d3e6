package io.ringclip.trainer.data;

/**
 * The SplitMix64 generator (Steele, Lea, Flood 2014), written out so that sample orders and
 * synthetic images depend only on the seed, never on the JDK version.
 */
final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    /** A generator for item {@code index} of stream {@code stream} under {@code seed}. */
    static SplitMix64 forItem(long seed, long stream, long index) {
        return new SplitMix64(mix(mix(seed ^ mix(stream + GOLDEN_GAMMA)) + index * GOLDEN_GAMMA));
    }

    long nextLong() {
        return mix(state += GOLDEN_GAMMA);
    }

    /** Uniform in {@code [0, bound)}; bound > 0. */
    int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive: bound=" + bound);
        }
        // Lemire's multiply-shift on the top 32 bits; the bias is below 2^-32 for our bounds.
        return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    /** Uniform in {@code [0, 1)}. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in {@code [lo, hi)}. */
    double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
