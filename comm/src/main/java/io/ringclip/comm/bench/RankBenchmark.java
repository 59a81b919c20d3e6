package io.ringclip.comm.bench;

import io.ringclip.comm.Communicator;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * One rank's side of the measurement, the same method as the gloo and MPI peer scripts: per size,
 * one checked op on known values, untimed warm-up ops (for at least {@code warmupSeconds}, since a
 * JVM needs its JIT; the peer scripts are C++ and use 3), an iteration count chosen by
 * rank 0 from the warm-up time so a size takes about {@code targetSeconds}, then per iteration a
 * barrier and the op's wall time on each rank. The per-iteration times are max-reduced across
 * ranks afterwards (one allreduce, outside the timed region), so every rank returns the same rows.
 */
public final class RankBenchmark {

    private RankBenchmark() {}

    public static List<BenchResult> run(Communicator c, BenchOptions o) {
        return run(c, o, r -> {});
    }

    /** As {@link #run(Communicator, BenchOptions)}, handing each size's row to {@code onRow} as soon as it is known. */
    public static List<BenchResult> run(Communicator c, BenchOptions o, java.util.function.Consumer<BenchResult> onRow) {
        List<BenchResult> results = new ArrayList<>();
        for (long size : o.sizesBytes()) {
            BenchOp.Runner runner = o.op().runner(c, size, o.wire());
            if (!runner.check()) {
                throw new IllegalStateException("wrong result in the checked warm-up op: op=" + o.op().cliName()
                        + ", size=" + size + ", rank=" + c.rank());
            }
            // warm up in rounds until rank 0 has seen warmupSeconds pass (every rank follows its decision)
            double warmSecondsPerOp;
            long warmStart = System.nanoTime();
            float[] again = {1};
            int round = 0;
            do {
                long roundStart = System.nanoTime();
                for (int i = 0; i < o.warmup(); i++) {
                    c.barrier();
                    runner.run();
                }
                warmSecondsPerOp = (System.nanoTime() - roundStart) / 1e9 / o.warmup();
                again[0] = (System.nanoTime() - warmStart) / 1e9 < o.warmupSeconds() && ++round < 10_000 ? 1 : 0;
                c.broadcast(again, 0, 1, 0);
            } while (again[0] == 1);
            float[] iterations = {(float) Math.max(o.minIters(),
                    Math.min(o.maxIters(), Math.ceil(o.targetSeconds() / Math.max(warmSecondsPerOp, 1e-7))))};
            c.broadcast(iterations, 0, 1, 0); // every rank runs rank 0's count
            int iters = (int) iterations[0];
            float[] timesUs = new float[iters];
            for (int i = 0; i < iters; i++) {
                c.barrier();
                long t0 = System.nanoTime();
                runner.run();
                timesUs[i] = (System.nanoTime() - t0) / 1e3f;
            }
            c.allReduce(timesUs, 0, iters, ReduceOp.MAX, WireFormat.FP32); // slowest rank per iteration
            double[] times = new double[iters];
            for (int i = 0; i < iters; i++) {
                times[i] = timesUs[i];
            }
            BenchResult row = BenchResult.of(o.op(), c.worldSize(), o.wire(), size, times);
            results.add(row);
            onRow.accept(row);
        }
        return results;
    }
}
