package io.ringclip.comm.bench;

import io.ringclip.comm.Communicator;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.util.Arrays;

/**
 * The benchmarked collectives, sized as nccl-tests does: {@code sizeBytes} is the allreduce buffer
 * on every rank, the total gathered output of allgather, and the total input of reduce-scatter.
 */
public enum BenchOp {
    ALLREDUCE("allreduce"),
    REDUCESCATTER("reducescatter"),
    ALLGATHER("allgather");

    private final String cliName;

    BenchOp(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static BenchOp ofCliName(String name) {
        for (BenchOp op : values()) {
            if (op.cliName.equalsIgnoreCase(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown collective: op=" + name + ", known=allreduce,reducescatter,allgather");
    }

    /** nccl-tests: busbw = algbw × this. allreduce 2(n-1)/n; reduce-scatter and allgather (n-1)/n. */
    public double busFactor(int worldSize) {
        return this == ALLREDUCE ? 2.0 * (worldSize - 1) / worldSize : (worldSize - 1.0) / worldSize;
    }

    /** Buffers for one rank at one size, plus one operation on them. */
    public Runner runner(Communicator c, long sizeBytes, WireFormat wire) {
        int n = c.worldSize();
        int rank = c.rank();
        int elements = (int) (sizeBytes / Float.BYTES);
        return switch (this) {
            case ALLREDUCE -> new Runner() {
                final float[] data = new float[elements];

                @Override
                public void run() {
                    c.allReduce(data, 0, elements, ReduceOp.SUM, wire);
                }

                @Override
                public boolean check() {
                    Arrays.fill(data, rank + 1f);
                    run();
                    float expected = n * (n + 1) / 2f;
                    boolean ok = elements == 0 || (data[0] == expected && data[elements - 1] == expected);
                    Arrays.fill(data, 0f); // keep values finite in the timed loop
                    return ok;
                }
            };
            case REDUCESCATTER -> new Runner() {
                final int[] counts = balanced(elements, n);
                final float[] input = new float[elements];
                final float[] output = new float[counts[rank]];

                @Override
                public void run() {
                    c.reduceScatter(input, output, 0, counts, ReduceOp.SUM, wire);
                }

                @Override
                public boolean check() {
                    Arrays.fill(input, rank + 1f);
                    run();
                    Arrays.fill(input, 0f);
                    return output.length == 0 || output[0] == n * (n + 1) / 2f;
                }
            };
            case ALLGATHER -> new Runner() {
                final int[] counts = balanced(elements, n);
                final float[] input = new float[counts[rank]];
                final float[] output = new float[elements];

                @Override
                public void run() {
                    c.allGather(input, 0, output, counts);
                }

                @Override
                public boolean check() {
                    Arrays.fill(input, rank);
                    run();
                    int at = 0;
                    for (int r = 0; r < n; r++) {
                        if (counts[r] > 0 && output[at] != r) {
                            return false;
                        }
                        at += counts[r];
                    }
                    return true;
                }
            };
        };
    }

    private static int[] balanced(int elements, int n) {
        int[] counts = new int[n];
        for (int r = 0; r < n; r++) {
            counts[r] = elements / n + (r < elements % n ? 1 : 0);
        }
        return counts;
    }

    /** One rank's side of one benchmarked operation. */
    public interface Runner {
        void run();

        /** Runs once on known inputs and checks the result (the first warm-up op). */
        boolean check();
    }
}
