package io.ringclip.comm.bench;

import io.ringclip.comm.WireFormat;
import java.util.Locale;

/**
 * One row of the table: times are the median and 99th percentile over iterations of the slowest
 * rank's time; bandwidths in decimal GB/s (1e9 bytes), algbw = size / p50 time; {@code cpuMsPerOp}
 * is the CPU time all ranks' processes spent per timed op (NaN if unknown). The user's CSV keeps the
 * columns of {@link #CSV_HEADER}; a worker's line to the launcher appends iterations and CPU.
 */
public record BenchResult(BenchOp op, int worldSize, WireFormat wire, long sizeBytes, int iterations, double timeP50Us,
        double timeP99Us, double algbwGBps, double busbwGBps, double cpuMsPerOp) {

    public static final String CSV_HEADER = "op,world,wire,size_bytes,time_p50_us,time_p99_us,algbw_gbps,busbw_gbps";

    public static BenchResult of(BenchOp op, int worldSize, WireFormat wire, long sizeBytes, double[] timesUs,
            double cpuMsPerOp) {
        double[] sorted = timesUs.clone();
        java.util.Arrays.sort(sorted);
        double p50 = percentile(sorted, 0.50);
        double p99 = percentile(sorted, 0.99);
        double algbw = sizeBytes / (p50 * 1e-6) / 1e9;
        return new BenchResult(op, worldSize, wire, sizeBytes, timesUs.length, p50, p99, algbw, algbw * op.busFactor(worldSize),
                cpuMsPerOp);
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    public String csvRow() {
        return String.format(Locale.ROOT, "%s,%d,%s,%d,%.1f,%.1f,%.4f,%.4f", op.cliName(), worldSize,
                wire.name().toLowerCase(Locale.ROOT), sizeBytes, timeP50Us, timeP99Us, algbwGBps, busbwGBps);
    }

    /** The worker-to-launcher line: {@link #csvRow()}, then iterations and CPU per op. */
    public String workerRow() {
        return csvRow() + "," + iterations + String.format(Locale.ROOT, ",%.2f", cpuMsPerOp);
    }

    public static BenchResult parseCsv(String row) {
        String[] f = row.split(",");
        int iterations = f.length > 8 ? Integer.parseInt(f[8]) : 0; // worker lines carry the count and CPU last
        double cpuMsPerOp = f.length > 9 ? Double.parseDouble(f[9]) : Double.NaN;
        return new BenchResult(BenchOp.ofCliName(f[0]), Integer.parseInt(f[1]), WireFormat.valueOf(f[2].toUpperCase(Locale.ROOT)),
                Long.parseLong(f[3]), iterations, Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
                Double.parseDouble(f[7]), cpuMsPerOp);
    }
}
