package io.ringclip.trainer.data;

import io.ringclip.models.image.Preprocess;
import java.time.Duration;

/**
 * Everything a {@link DataLoader} needs, validated once. Shapes: each batch holds
 * {@code batchPerRank} samples of {@code [channels, imageSize, imageSize]} pixels and
 * {@code contextLength} tokens. {@code worldSize × batchPerRank} is the global batch.
 *
 * @param preprocessing   resize/crop/normalisation; its image size and channels must match
 *
 * @param seed            seeds the per-epoch permutation (same on every rank)
 * @param decodeThreads   background threads that read, decode and tokenise samples
 * @param dropLast        skip an epoch's final short global batch (training) or keep it (eval)
 * @param prefetchBatches batches decoded ahead of the consumer (bounds memory)
 * @param nextTimeout     how long {@link DataLoader#next()} waits for one batch before failing
 */
public record LoaderOptions(
        int rank,
        int worldSize,
        int batchPerRank,
        long seed,
        int imageSize,
        int channels,
        int contextLength,
        Preprocess preprocessing,
        int decodeThreads,
        boolean dropLast,
        int prefetchBatches,
        Duration nextTimeout) {

    public LoaderOptions {
        if (worldSize <= 0 || rank < 0 || rank >= worldSize || batchPerRank <= 0) {
            throw new IllegalArgumentException("bad loader shape: rank=" + rank + ", worldSize=" + worldSize
                    + ", batchPerRank=" + batchPerRank);
        }
        if (imageSize <= 0 || contextLength < 2 || decodeThreads <= 0 || prefetchBatches <= 0) {
            throw new IllegalArgumentException("bad loader options: imageSize=" + imageSize + ", contextLength="
                    + contextLength + ", decodeThreads=" + decodeThreads + ", prefetchBatches=" + prefetchBatches);
        }
        if (preprocessing.channels() != channels || preprocessing.imageSize() != imageSize) {
            throw new IllegalArgumentException("preprocessing does not match the image shape: imageSize=" + imageSize
                    + ", channels=" + channels + ", preprocessing=" + preprocessing);
        }
        if (nextTimeout.isNegative() || nextTimeout.isZero()) {
            throw new IllegalArgumentException("nextTimeout must be positive: nextTimeout=" + nextTimeout);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with defaults: 1 rank, batch 32, 32×32 RGB, 32 tokens, {@link Preprocess#forChannels}, drop last. */
    public static final class Builder {
        private int rank = 0;
        private int worldSize = 1;
        private int batchPerRank = 32;
        private long seed = 0;
        private int imageSize = 32;
        private int channels = 3;
        private int contextLength = 32;
        private Preprocess preprocessing;
        private int decodeThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
        private boolean dropLast = true;
        private int prefetchBatches = 4;
        private Duration nextTimeout = Duration.ofSeconds(120);

        private Builder() {}

        public Builder rank(int rank, int worldSize) {
            this.rank = rank;
            this.worldSize = worldSize;
            return this;
        }

        public Builder batchPerRank(int batchPerRank) {
            this.batchPerRank = batchPerRank;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder image(int imageSize, int channels) {
            this.imageSize = imageSize;
            this.channels = channels;
            return this;
        }

        public Builder contextLength(int contextLength) {
            this.contextLength = contextLength;
            return this;
        }

        /** Defaults to {@link Preprocess#forChannels} for the configured image size and channels. */
        public Builder preprocessing(Preprocess preprocessing) {
            this.preprocessing = preprocessing;
            return this;
        }

        public Builder decodeThreads(int decodeThreads) {
            this.decodeThreads = decodeThreads;
            return this;
        }

        public Builder dropLast(boolean dropLast) {
            this.dropLast = dropLast;
            return this;
        }

        public Builder prefetchBatches(int prefetchBatches) {
            this.prefetchBatches = prefetchBatches;
            return this;
        }

        public Builder nextTimeout(Duration nextTimeout) {
            this.nextTimeout = nextTimeout;
            return this;
        }

        public LoaderOptions build() {
            Preprocess resolved = preprocessing != null ? preprocessing : Preprocess.forChannels(imageSize, channels);
            return new LoaderOptions(rank, worldSize, batchPerRank, seed, imageSize, channels, contextLength,
                    resolved, decodeThreads, dropLast, prefetchBatches, nextTimeout);
        }
    }
}
