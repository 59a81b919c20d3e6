package io.ringclip.trainer.data;

/**
 * One rank's share of one global batch, ready for the model.
 *
 * <ul>
 *   <li>{@code images}: {@code [size, C, H, W]} float32, channel-major per sample, already
 *       resized and normalised ({@code (x - mean) / std}).
 *   <li>{@code tokens}: {@code [size, T]} token ids, {@code [sot, …, eot, 0, …]} per row.
 *   <li>{@code labels}: {@code [size]} class id, or {@code -1} when the source has no classes.
 * </ul>
 *
 * {@code size} equals the loader's {@code batchPerRank} except for the final short global batch
 * of an epoch when {@code dropLast} is off; then it may be smaller, even 0 on the last ranks.
 */
public record Batch(float[] images, int[] tokens, int[] labels, int size) {

    public Batch {
        if (size < 0 || labels.length != size) {
            throw new IllegalArgumentException(
                    "batch size mismatch: size=" + size + ", labels=" + labels.length);
        }
        if (size > 0 && (images.length % size != 0 || tokens.length % size != 0)) {
            throw new IllegalArgumentException("batch arrays not divisible by size: size=" + size
                    + ", images=" + images.length + ", tokens=" + tokens.length);
        }
    }
}
