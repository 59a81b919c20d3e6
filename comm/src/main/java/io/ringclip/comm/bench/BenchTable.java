package io.ringclip.comm.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints results like nccl-tests' table and writes the CSV. */
public final class BenchTable {

    private BenchTable() {}

    public static void printHeader(PrintStream out, BenchOptions o, String transport) {
        out.printf(Locale.ROOT, "# ringclip bench %s: world=%d mode=%s transport=%s wire=%s segment=%dKiB ring=%s%n",
                o.op().cliName(), o.worldSize(), o.mode().name().toLowerCase(Locale.ROOT), transport,
                o.wire().name().toLowerCase(Locale.ROOT), o.segmentBytes() / 1024,
                o.opThreadRing() ? "op-thread" : "arrival-driven");
        out.printf(Locale.ROOT, "# time = median (p50) and p99 over iterations of the slowest rank; GB/s = 1e9 B/s; "
                + "busbw = algbw x %s; cpu = CPU ms per op, all ranks' processes (every thread, JIT and GC too)%n", o.op().cliName().equals("allreduce") ? "2(n-1)/n" : "(n-1)/n");
        out.printf(Locale.ROOT, "#%14s %12s %13s %13s %12s %12s %7s %9s%n",
                "size(B)", "count(elts)", "time_p50(us)", "time_p99(us)", "algbw(GB/s)", "busbw(GB/s)", "iters", "cpu(ms)");
    }

    public static void printRow(PrintStream out, BenchResult r) {
        out.printf(Locale.ROOT, "%15d %12d %13.1f %13.1f %12.3f %12.3f %7d %9.2f%n", r.sizeBytes(), r.sizeBytes() / 4,
                r.timeP50Us(), r.timeP99Us(), r.algbwGBps(), r.busbwGBps(), r.iterations(), r.cpuMsPerOp());
        out.flush();
    }

    public static void writeCsv(Path file, List<BenchResult> results) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(BenchResult.CSV_HEADER);
        results.forEach(r -> lines.add(r.csvRow()));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}
