package io.ringclip.models.io;

import java.util.Arrays;

/**
 * A named tensor stored as a row-major (C order) slice {@code data[offset, offset + length)}:
 * the unit checkpoints are written from and loaded into. Slices of one parameter arena share the
 * same {@code data} array, so loading writes straight into the model's weights.
 *
 * @param name   open_clip state_dict name, e.g. {@code visual.conv1.weight}
 * @param shape  dimensions, outermost first; {@code []} is a scalar (length 1)
 */
public record TensorSlice(String name, int[] shape, float[] data, int offset) {

    public TensorSlice {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("tensor name must be non-empty");
        }
        shape = shape.clone();
        long n = numel(shape, name);
        if (offset < 0 || offset + n > data.length) {
            throw new IllegalArgumentException("slice out of range: tensor=" + name + ", offset=" + offset
                    + ", length=" + n + ", dataLength=" + data.length);
        }
    }

    /** A slice owning a whole array. */
    public static TensorSlice of(String name, float[] data, int... shape) {
        return new TensorSlice(name, shape, data, 0);
    }

    public int length() {
        return (int) numel(shape, name);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** A copy of the slice's values. */
    public float[] values() {
        return Arrays.copyOfRange(data, offset, offset + length());
    }

    static long numel(int[] shape, String name) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension: tensor=" + name + ", shape=" + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("tensor too large for a Java array: tensor=" + name
                        + ", shape=" + Arrays.toString(shape));
            }
        }
        return n;
    }

    @Override
    public String toString() {
        return "TensorSlice[" + name + " " + Arrays.toString(shape) + " @" + offset + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSlice t && t.name.equals(name) && Arrays.equals(t.shape, shape)
                && t.data == data && t.offset == offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + offset;
    }
}
