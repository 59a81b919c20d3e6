package io.ringclip.comm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.comm.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's plumbing (not its numbers): every op runs, checks its result, and reports rows and CSV. */
@Timeout(120)
class CollectiveBenchTest {

    @Test
    void runsEveryCollectiveInThreadModeAndWritesTheCsv(@TempDir Path dir) throws Exception {
        for (BenchOp op : BenchOp.values()) {
            for (boolean local : new boolean[] {true, false}) {
                BenchOptions o = new BenchOptions(op, 3, BenchOptions.parseSizes("4K,100K"), BenchOptions.Mode.THREAD,
                        WireFormat.FP16, 2, 0.0, 2, 3, 0.01, 16 * 1024, local, 2, false, 0);
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                List<BenchResult> rows = CollectiveBench.run(o, new PrintStream(text, true, StandardCharsets.UTF_8));
                assertEquals(2, rows.size());
                assertEquals(4096, rows.get(0).sizeBytes());
                for (BenchResult r : rows) {
                    assertTrue(r.timeP50Us() > 0 && r.timeP99Us() >= r.timeP50Us(), r.toString());
                    assertEquals(r.algbwGBps() * op.busFactor(3), r.busbwGBps(), 1e-12);
                    assertTrue(r.cpuMsPerOp() >= 0 && Double.isFinite(r.cpuMsPerOp()), "CPU per op (the OS counts in ticks): " + r);
                    BenchResult relayed = BenchResult.parseCsv(r.workerRow()); // a worker's line to the launcher
                    assertEquals(r.iterations(), relayed.iterations());
                    assertEquals(r.cpuMsPerOp(), relayed.cpuMsPerOp(), 0.01);
                }
                assertTrue(text.toString(StandardCharsets.UTF_8).contains("busbw(GB/s)"));
                assertTrue(text.toString(StandardCharsets.UTF_8).contains("cpu(ms)"));
                Path csv = dir.resolve(op.cliName() + local + ".csv");
                BenchTable.writeCsv(csv, rows);
                List<String> lines = Files.readAllLines(csv);
                assertEquals("op,world,wire,size_bytes,time_p50_us,time_p99_us,algbw_gbps,busbw_gbps", lines.get(0));
                assertEquals(rows.get(1).sizeBytes(), BenchResult.parseCsv(lines.get(2)).sizeBytes());
            }
        }
    }

    @Test
    void busFactorsFollowNcclTests() {
        assertEquals(1.5, BenchOp.ALLREDUCE.busFactor(4), 1e-12);
        assertEquals(0.75, BenchOp.ALLGATHER.busFactor(4), 1e-12);
        assertEquals(0.5, BenchOp.REDUCESCATTER.busFactor(2), 1e-12);
        assertEquals(List.of(4096L, 1L << 20, 16L << 20), BenchOptions.parseSizes("4K,1M,16MiB"));
        assertThrows(IllegalArgumentException.class, () -> BenchOptions.parseSizes("4Q"));
    }
}
