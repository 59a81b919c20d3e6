package io.ringclip.cli;

import io.ringclip.comm.WireFormat;
import io.ringclip.comm.bench.BenchOp;
import io.ringclip.comm.bench.BenchOptions;
import io.ringclip.comm.bench.BenchResult;
import io.ringclip.comm.bench.BenchTable;
import io.ringclip.comm.bench.CollectiveBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringclip bench allreduce|reducescatter|allgather}: thin CLI over
 * {@link io.ringclip.comm.bench.CollectiveBench}; one subcommand per collective, shared options.
 */
public abstract class BenchCollectiveCommand implements Callable<Integer> {

    @Option(names = "--world", defaultValue = "2", description = "Number of ranks (default: ${DEFAULT-VALUE}).")
    int world;

    @Option(names = "--sizes", defaultValue = "4K,64K,1M,16M",
            description = "Buffer sizes, K/M/G = KiB/MiB/GiB (default: ${DEFAULT-VALUE}).")
    String sizes;

    @Option(names = "--mode", defaultValue = "process",
            description = "process: one JVM per rank on loopback TCP; thread: ranks as threads in this JVM (default: ${DEFAULT-VALUE}).")
    BenchOptions.Mode mode;

    @Option(names = "--wire", defaultValue = "fp32", description = "fp32, fp16 or bf16 on the wire (default: ${DEFAULT-VALUE}).")
    WireFormat wire;

    @Option(names = "--csv", description = "Also write the rows to this CSV file.")
    Path csv;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed ops per warm-up round, after one checked op (default: ${DEFAULT-VALUE}).")
    int warmup;

    // 3 s: C2 is still compiling Netty's read/write path several seconds into a run on 2 cores
    // (BENCHMARKS, Collectives), so 1 s measured the JIT more than the ring
    @Option(names = "--warmup-seconds", defaultValue = "3",
            description = "Warm up at least this long per size, and on until the JIT stops compiling (default: ${DEFAULT-VALUE}).")
    double warmupSeconds;

    @Option(names = "--min-iters", defaultValue = "5", description = "Fewest timed ops per size (default: ${DEFAULT-VALUE}).")
    int minIters;

    @Option(names = "--max-iters", defaultValue = "200", description = "Most timed ops per size (default: ${DEFAULT-VALUE}).")
    int maxIters;

    @Option(names = "--target-seconds", defaultValue = "2", description = "Aim for about this much time per size (default: ${DEFAULT-VALUE}).")
    double targetSeconds;

    @Option(names = "--segment", defaultValue = "262144", description = "Ring segment size in bytes (default: ${DEFAULT-VALUE}).")
    int segmentBytes;

    @Option(names = "--in-flight", defaultValue = "2",
            description = "Segments sent ahead per op before the sender waits (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--op-thread-ring",
            description = "Run the allreduce ring on the op thread (the reference path) instead of on the I/O thread as segments arrive.")
    boolean opThreadRing;

    @Option(names = "--socket-buffer", defaultValue = "0",
            description = "SO_SNDBUF/SO_RCVBUF in bytes; 0 keeps the kernel's auto-tuning (default: ${DEFAULT-VALUE}).")
    int socketBufferBytes;

    @Option(names = "--local", description = "With --mode thread: the in-JVM transport instead of loopback TCP.")
    boolean local;

    abstract BenchOp op();

    @Override
    public Integer call() throws Exception {
        BenchOptions options = new BenchOptions(op(), world, BenchOptions.parseSizes(sizes), mode, wire, warmup,
                warmupSeconds, minIters, maxIters, targetSeconds, segmentBytes, local, inFlight,
                opThreadRing, socketBufferBytes);
        List<BenchResult> results = CollectiveBench.run(options, System.out);
        if (csv != null) {
            BenchTable.writeCsv(csv, results);
            System.out.println("# wrote " + csv);
        }
        return 0;
    }

    @Command(name = "allreduce", mixinStandardHelpOptions = true,
            description = "Ring allreduce (SUM) bandwidth and latency, nccl-tests style.")
    public static final class AllReduce extends BenchCollectiveCommand {
        @Override
        BenchOp op() {
            return BenchOp.ALLREDUCE;
        }
    }

    @Command(name = "reducescatter", mixinStandardHelpOptions = true,
            description = "Ring reduce-scatter (SUM) bandwidth and latency; size = total input per rank.")
    public static final class ReduceScatter extends BenchCollectiveCommand {
        @Override
        BenchOp op() {
            return BenchOp.REDUCESCATTER;
        }
    }

    @Command(name = "allgather", mixinStandardHelpOptions = true,
            description = "Ring allgather bandwidth and latency; size = total gathered output.")
    public static final class AllGather extends BenchCollectiveCommand {
        @Override
        BenchOp op() {
            return BenchOp.ALLGATHER;
        }
    }
}
