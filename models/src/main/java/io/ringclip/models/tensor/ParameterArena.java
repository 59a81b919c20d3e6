package io.ringclip.models.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of a model in one flat {@code float[]}, the gradients in a second array with the
 * same layout, and named {@link ParameterView}s into both.
 *
 * <p>Why heap {@code float[]} and not an off-heap {@code MemorySegment}: the SGEMM kernels (Vector API
 * {@code FloatVector.fromArray}) and every op in {@code io.ringclip.models.nn} run on arrays; in the
 * measurements of notes/java-performance.md the array-based 6×16 kernel reached 0.97× OpenBLAS, and a
 * segment would either cost a copy per matmul or a second code path in every kernel. The trainer
 * slices contiguous buckets of {@link #grads()} for the allreduce, and AdamW is one flat loop over
 * the arrays. The price is on the wire: comm copies each bucket between the array and its network
 * buffers, which a native arena would avoid. Measured upper bound of that saving (BENCHMARKS.md,
 * "How far copy removal can go"): 12–15 % of the allreduce's CPU with 3–4 ranks on 2 cores, which
 * would not by itself bring those cases level with gloo. Arrays are limited to 2³¹−1 elements
 * (8 GiB of fp32), far above ViT-B/16's 150 M parameters.
 *
 * <p>Layout: views in the order they were added, packed without gaps. {@link Builder} is the only way
 * to make one, so offsets are fixed for the arena's lifetime.
 */
public final class ParameterArena {

    private final float[] values;
    private final float[] grads;
    private final List<ParameterView> views;
    private final Map<String, ParameterView> byName;

    private ParameterArena(List<ParameterView> views, int size) {
        this.values = new float[size];
        this.grads = new float[size];
        this.views = Collections.unmodifiableList(new ArrayList<>(views));
        this.byName = new LinkedHashMap<>();
        for (ParameterView v : views) {
            byName.put(v.name(), v);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The master (fp32) parameter values. */
    public float[] values() {
        return values;
    }

    /** The gradients, same layout as {@link #values()}; backward passes accumulate into it. */
    public float[] grads() {
        return grads;
    }

    public List<ParameterView> views() {
        return views;
    }

    public ParameterView view(String name) {
        ParameterView v = byName.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no such parameter: name=" + name + ", parameters=" + views.size());
        }
        return v;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Number of scalar parameters. */
    public int size() {
        return values.length;
    }

    public void zeroGrads() {
        Arrays.fill(grads, 0f);
    }

    /** Adds parameters in order; offsets are assigned contiguously. */
    public static final class Builder {
        private final List<ParameterView> views = new ArrayList<>();
        private final Map<String, ParameterView> names = new LinkedHashMap<>();
        private long size;

        public ParameterView add(String name, int... shape) {
            if (names.containsKey(name)) {
                throw new IllegalArgumentException("duplicate parameter: name=" + name);
            }
            long n = 1;
            for (int d : shape) {
                n *= d;
            }
            if (size + n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("arena too large for a float[]: size=" + (size + n));
            }
            ParameterView v = new ParameterView(name, (int) size, shape, (int) n);
            size += n;
            views.add(v);
            names.put(name, v);
            return v;
        }

        public int size() {
            return (int) size;
        }

        public ParameterArena build() {
            return new ParameterArena(views, (int) size);
        }
    }
}
