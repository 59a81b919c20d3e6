package io.ringclip.comm.bench;

import io.ringclip.comm.Communicator;
import io.ringclip.comm.ReduceOp;
import io.ringclip.comm.WireFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * One rank's side of the measurement, the same method as the gloo and MPI peer scripts: per size,
 * one checked op on known values, untimed warm-up ops (at least {@code warmupSeconds} and until the
 * JIT has settled, see {@link #warmUp}; the peer scripts are C++ and use 3 ops), an iteration count
 * chosen by rank 0 from the warm-up time so a size takes about {@code targetSeconds}, then per iteration a
 * barrier and the op's wall time on each rank. The per-iteration times are max-reduced across
 * ranks afterwards (one allreduce, outside the timed region), so every rank returns the same rows.
 */
public final class RankBenchmark {

    /** Warm-up ends once compilation takes at most this share of the trailing window on every rank. */
    static final double SETTLED_COMPILE_SHARE = 0.02;
    static final double SETTLE_WINDOW_SECONDS = 3;
    static final double MAX_WARMUP_SECONDS = 60;

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
            double warmSecondsPerOp = warmUp(c, o, runner);
            float[] iterations = {(float) Math.max(o.minIters(),
                    Math.min(o.maxIters(), Math.ceil(o.targetSeconds() / Math.max(warmSecondsPerOp, 1e-7))))};
            c.broadcast(iterations, 0, 1, 0); // every rank runs rank 0's count
            int iters = (int) iterations[0];
            float[] timesUs = new float[iters];
            long cpu0 = CpuMeter.processCpuNanos();
            for (int i = 0; i < iters; i++) {
                c.barrier();
                long t0 = System.nanoTime();
                runner.run();
                timesUs[i] = (System.nanoTime() - t0) / 1e3f;
            }
            long cpu1 = CpuMeter.processCpuNanos();
            c.allReduce(timesUs, 0, iters, ReduceOp.MAX, WireFormat.FP32); // slowest rank per iteration
            // CPU of all ranks' processes per op; thread mode shares one process, so each rank counts 1/n of it
            float[] cpuMs = {cpu0 < 0 ? Float.NaN : (cpu1 - cpu0) / 1e6f / iters
                    / (o.mode() == BenchOptions.Mode.THREAD ? c.worldSize() : 1)};
            c.allReduce(cpuMs, 0, 1, ReduceOp.SUM, WireFormat.FP32);
            double[] times = new double[iters];
            for (int i = 0; i < iters; i++) {
                times[i] = timesUs[i];
            }
            BenchResult row = BenchResult.of(o.op(), c.worldSize(), o.wire(), size, times, cpuMs[0]);
            results.add(row);
            onRow.accept(row);
        }
        return results;
    }

    /**
     * Untimed rounds of {@code o.warmup()} ops until {@code o.warmupSeconds()} have passed and the JIT
     * has settled: over the trailing {@value #SETTLE_WINDOW_SECONDS} s (or {@code warmupSeconds}, if
     * shorter; 0 skips the check) no rank compiled for more than
     * {@value #SETTLED_COMPILE_SHARE} of the wall time. With several JVMs sharing two cores C2 is still
     * compiling the event loop's path seconds after the first op, and timing then measures the
     * compiler. The window is long because the JVM books a compilation's time only when it ends, and
     * one large C2 compilation takes over a second of wall time on a shared core. Capped at {@value
     * #MAX_WARMUP_SECONDS} s. Every rank follows the slowest rank's verdict (one MAX allreduce per
     * round). Returns rank 0's seconds per op in the last round.
     */
    private static double warmUp(Communicator c, BenchOptions o, BenchOp.Runner runner) {
        long warmStart = System.nanoTime();
        double window = Math.min(SETTLE_WINDOW_SECONDS, o.warmupSeconds());
        java.util.ArrayDeque<long[]> rounds = new java.util.ArrayDeque<>(); // per round {end nanos, compile ms so far}
        rounds.add(new long[] {warmStart, CpuMeter.compileMillis()});
        float[] again = new float[1];
        double secondsPerOp;
        do {
            long roundStart = System.nanoTime();
            for (int i = 0; i < o.warmup(); i++) {
                c.barrier();
                runner.run();
            }
            long now = System.nanoTime();
            long compiled = CpuMeter.compileMillis();
            secondsPerOp = (now - roundStart) / 1e9 / o.warmup();
            rounds.add(new long[] {now, compiled});
            while (rounds.size() > 2) { // keep the shortest trailing window that spans `window`
                long[] oldest = rounds.pollFirst();
                if (now - rounds.peekFirst()[0] < window * 1e9) {
                    rounds.addFirst(oldest);
                    break;
                }
            }
            long[] windowStart = rounds.peekFirst();
            double windowSeconds = (now - windowStart[0]) / 1e9;
            boolean settled = compiled < 0 || windowSeconds >= window
                    && (compiled - windowStart[1]) / 1e3 <= SETTLED_COMPILE_SHARE * windowSeconds;
            double elapsed = (now - warmStart) / 1e9;
            again[0] = elapsed < MAX_WARMUP_SECONDS && (elapsed < o.warmupSeconds() || !settled) ? 1 : 0;
            c.allReduce(again, 0, 1, ReduceOp.MAX, WireFormat.FP32);
        } while (again[0] == 1);
        float[] perOp = {(float) secondsPerOp};
        c.broadcast(perOp, 0, 1, 0);
        return perOp[0];
    }
}
