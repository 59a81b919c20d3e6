package io.ringclip.models.tensor;

import java.util.Arrays;

/**
 * A named tensor inside a {@link ParameterArena}: elements {@code [offset, offset + length)} of
 * both {@code values()} and {@code grads()}, row-major with the given shape ({@code []} = scalar).
 */
public record ParameterView(String name, int offset, int[] shape, int length) {

    public ParameterView {
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("dimension must be > 0: name=" + name + ", shape=" + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("length does not match shape: name=" + name + ", length=" + length
                    + ", shape=" + Arrays.toString(shape));
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int end() {
        return offset + length;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterView v && v.name.equals(name) && v.offset == offset && Arrays.equals(v.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + offset;
    }
}
