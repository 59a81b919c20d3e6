package io.ringclip.trainer.sync;

import io.ringclip.trainer.optim.ParamSpan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Groups trainable parameters into allreduce buckets, as DDP does: walk the parameters in
 * reverse arena order (backward finishes the last layers first), start a new bucket when adding
 * the next parameter would exceed {@code capElements} (a parameter larger than the cap gets a
 * bucket of its own) or when the next parameter is not adjacent (a frozen parameter in between).
 * Buckets are contiguous arena slices, so an allreduce needs no packing.
 *
 * <p>Bucket 0 is the one at the end of the arena; buckets are launched in index order.
 */
public final class BucketPlan {

    private final List<Bucket> buckets;

    private BucketPlan(List<Bucket> buckets) {
        this.buckets = List.copyOf(buckets);
    }

    public static BucketPlan of(List<ParamSpan> trainable, int capElements) {
        if (capElements < 1) {
            throw new IllegalArgumentException("bucket cap must be >= 1: capElements=" + capElements);
        }
        List<ParamSpan> spans = new ArrayList<>(trainable);
        spans.removeIf(p -> p.length() == 0);
        spans.sort(Comparator.comparingInt(ParamSpan::offset).reversed());
        List<Bucket> out = new ArrayList<>();
        int from = -1;
        int to = -1;
        for (ParamSpan p : spans) {
            boolean adjacent = from >= 0 && p.end() == from;
            boolean fits = from >= 0 && (long) (to - p.offset()) <= capElements;
            if (adjacent && fits) {
                from = p.offset();
            } else {
                if (from >= 0) {
                    out.add(new Bucket(out.size(), from, to));
                }
                from = p.offset();
                to = p.end();
            }
        }
        if (from >= 0) {
            out.add(new Bucket(out.size(), from, to));
        }
        return new BucketPlan(out);
    }

    public List<Bucket> buckets() {
        return buckets;
    }

    public int size() {
        return buckets.size();
    }

    public long totalElements() {
        long n = 0;
        for (Bucket b : buckets) {
            n += b.length();
        }
        return n;
    }
}
