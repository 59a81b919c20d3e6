package io.ringclip.models.tensor;

/**
 * A tensor a training forward keeps for backward: a {@code float[]} in fp32, a {@code short[]} of
 * fp16/bf16 bits otherwise (half the bytes).
 *
 * <p>Writing: {@link #writeBuffer()} gives the array to compute into (the storage itself in fp32, a
 * shared fp32 scratch otherwise); {@link #commit(int)} then packs the first {@code n} elements and
 * rounds the scratch in place, so the rest of the forward sees exactly the values backward will read.
 * Reading: {@link #read(float[])} returns the storage (fp32) or unpacks into the given scratch.
 */
public final class SavedActivation {

    private final Precision precision;
    private final float[] full;
    private final short[] packed;
    private final float[] scratch;

    /** @param scratch fp32 buffer of at least {@code capacity} elements, shared; unused in fp32 */
    public SavedActivation(Precision precision, int capacity, float[] scratch) {
        this.precision = precision;
        if (precision.isLow()) {
            if (scratch == null || scratch.length < capacity) {
                throw new IllegalArgumentException("scratch too small: capacity=" + capacity
                        + ", scratch=" + (scratch == null ? 0 : scratch.length));
            }
            this.full = null;
            this.packed = new short[capacity];
            this.scratch = scratch;
        } else {
            this.full = new float[capacity];
            this.packed = null;
            this.scratch = null;
        }
    }

    /** Wraps fp32 values as a saved activation (ops that take one also serve plain arrays). */
    public static SavedActivation ofFloats(float[] values) {
        return new SavedActivation(values);
    }

    private SavedActivation(float[] values) {
        this.precision = Precision.FP32;
        this.full = values;
        this.packed = null;
        this.scratch = null;
    }

    /**
     * The fp32 storage, or null when the values are stored as 16-bit bits; then read ranges with
     * {@link #decode} (ops that walk a saved tensor piece by piece need no tensor-sized unpack buffer).
     */
    public float[] floats() {
        return full;
    }

    /** Copies elements {@code [from, from+n)} as fp32 into {@code dst[dstOff, +n)} (exact in every format). */
    public void decode(int from, int n, float[] dst, int dstOff) {
        if (full != null) {
            System.arraycopy(full, from, dst, dstOff, n);
        } else {
            precision.decode(packed, from, dst, dstOff, n);
        }
    }

    public float[] writeBuffer() {
        return full != null ? full : scratch;
    }

    /** Stores the first {@code n} elements of {@link #writeBuffer()} (rounding it in place when 16-bit). */
    public void commit(int n) {
        if (packed != null) {
            precision.encode(scratch, 0, packed, 0, n);
            precision.roundInPlace(scratch, 0, n);
        }
    }

    /** The stored values: the fp32 storage itself, or {@code dst} filled with the first {@code n} unpacked values. */
    public float[] read(float[] dst, int n) {
        if (full != null) {
            return full;
        }
        precision.decode(packed, 0, dst, 0, n);
        return dst;
    }

    public long bytes() {
        return full != null ? 4L * full.length : 2L * packed.length;
    }
}
