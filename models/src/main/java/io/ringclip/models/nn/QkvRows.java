package io.ringclip.models.nn;

import io.ringclip.models.tensor.SavedActivation;

/**
 * One thread's view of a saved qkv tensor [B·T, 3C], one batch element ([T, 3C], row stride 3C) at a
 * time. fp32 storage is read in place ({@link #base} = b·T·3C into the storage); 16-bit storage is
 * decoded into a per-thread [T, 3C] buffer ({@link #base} = 0), once per batch element the thread visits.
 * Not thread-safe: each attention worker makes its own.
 */
final class QkvRows {

    private final SavedActivation qkv;
    private final int rowsPerBatch;
    private final int width3;
    private final float[] buffer;
    private int current = -1;
    /** Where batch element {@link #current} starts in the array {@link #of} returned. */
    int base;

    QkvRows(SavedActivation qkv, int tokens, int width) {
        this.qkv = qkv;
        this.rowsPerBatch = tokens;
        this.width3 = 3 * width;
        this.buffer = qkv.floats() == null ? new float[tokens * width3] : null;
    }

    /** The array holding batch element {@code b}'s rows from index {@link #base}. */
    float[] of(int b) {
        float[] full = qkv.floats();
        if (full != null) {
            base = b * rowsPerBatch * width3;
            return full;
        }
        if (b != current) {
            qkv.decode(b * rowsPerBatch * width3, rowsPerBatch * width3, buffer, 0);
            current = b;
        }
        base = 0;
        return buffer;
    }
}
