package io.ringclip.trainer.data;

/**
 * Where a loader is in the sample stream: {@code indexInEpoch} is the global cursor into epoch
 * {@code epoch}'s permutation, i.e. the position of the first sample of the next global batch.
 * It does not depend on the world size, so a job can resume at a different number of ranks.
 */
public record LoaderPosition(long epoch, long indexInEpoch) {

    public static final LoaderPosition START = new LoaderPosition(0, 0);

    public LoaderPosition {
        if (epoch < 0 || indexInEpoch < 0) {
            throw new IllegalArgumentException(
                    "negative loader position: epoch=" + epoch + ", indexInEpoch=" + indexInEpoch);
        }
    }
}
