package io.ringclip.trainer.optim;

import java.util.Arrays;

/**
 * One named parameter tensor as a slice {@code [offset, offset + length)} of the flat parameter
 * arena (and, at the same offsets, of the gradient arena). Names are open_clip's, e.g.
 * {@code visual.transformer.resblocks.0.ln_1.weight}.
 */
public record ParamSpan(String name, int offset, int length, int[] shape) {

    public ParamSpan {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("bad span: name=" + name + ", offset=" + offset + ", length=" + length);
        }
        shape = shape.clone();
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != length) {
            throw new IllegalArgumentException("shape does not match length: name=" + name
                    + ", shape=" + Arrays.toString(shape) + ", length=" + length);
        }
    }

    public int end() {
        return offset + length;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
