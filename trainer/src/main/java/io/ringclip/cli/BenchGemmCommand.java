package io.ringclip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ringclip.models.kernels.Gemm;
import io.ringclip.models.kernels.GemmWarmUp;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ringclip bench gemm}: SGEMM GFLOP/s of the selected kernel ({@link Gemm}) per product.
 *
 * <p>A product is {@code MODE:MxNxK} with C[M×N] = op(A)·op(B), op(A) M×K, op(B) K×N and MODE
 * one of NN, NT (B stored N×K) and TN (A stored K×M). A shape without a mode is measured in every
 * mode of {@code --modes}. GFLOP/s = 2·M·N·K / median time of one call, after the start-up warm-up
 * and 2 untimed calls, over at least {@code --min-reps} calls and {@code --min-seconds}.
 *
 * <p>The default products are the {@code tiny} config's linear layers at batch 256 — image rows
 * R = 256·50 = 12800, text rows R = 256·16 = 4096, width 128, MLP 512 — each as its three layer
 * products: forward Y = X·Wᵀ (NT R×out×in), dX = dY·W (NN R×in×out), dW = dYᵀ·X (TN out×in×R);
 * then one attention head (T = 50, D = 32) and 1024³. The peer with the same products is
 * {@code bench/sgemm_shapes_torch.py}.
 */
@Command(
        name = "gemm",
        mixinStandardHelpOptions = true,
        description = "SGEMM GFLOP/s (median) per product MODE:MxNxK for the selected kernel.")
public final class BenchGemmCommand implements Callable<Integer> {

    /** tiny's layer products (see class comment), one attention head, and 1024³. */
    static final String DEFAULT_PRODUCTS = String.join(",",
            layerProducts(12800, 128, 384), layerProducts(12800, 128, 128),
            layerProducts(12800, 128, 512), layerProducts(12800, 512, 128),
            layerProducts(4096, 128, 384), layerProducts(4096, 128, 128),
            layerProducts(4096, 128, 512), layerProducts(4096, 512, 128),
            "NT:50x50x32", "NN:50x32x50",
            "NN:1024x1024x1024", "NT:1024x1024x1024", "TN:1024x1024x1024");

    @Option(names = "--shapes", split = ",", paramLabel = "[MODE:]MxNxK",
            description = "Products to time, e.g. NT:12800x384x128 or 1024x1024x1024 (every --modes). "
                    + "Default: tiny's layer products at batch 256, an attention head and 1024^3.")
    List<String> shapes;

    @Option(names = "--modes", split = ",", defaultValue = "NN,NT,TN",
            description = "Modes for shapes given without one (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--threads", description = "Threads per GEMM call (default: available processors).")
    Integer threads;

    @Option(names = "--min-seconds", defaultValue = "0.5", description = "Minimum timed seconds per product.")
    double minSeconds;

    @Option(names = "--min-reps", defaultValue = "5", description = "Minimum timed calls per product.")
    int minReps;

    @Option(names = "--json", description = "Also write the results as a JSON array to this file.")
    Path json;

    /** One timed product. */
    record Product(String mode, int m, int n, int k) {
        boolean transA() {
            return mode.charAt(0) == 'T';
        }

        boolean transB() {
            return mode.charAt(1) == 'T';
        }

        double flop() {
            return 2.0 * m * n * k;
        }

        String shape() {
            return m + "x" + n + "x" + k;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Gemm.setThreads(threads);
        }
        List<Product> products = parseProducts(shapes == null ? List.of(DEFAULT_PRODUCTS.split(",")) : shapes, modes);
        GemmWarmUp.Report warmUp = Gemm.warmUp();
        System.out.printf("kernel=%s threads=%d warm-up=%d ms (speed check %.1f GFLOP/s) load avg %s%n",
                Gemm.kernel().name(), Gemm.threads(), warmUp.elapsedMillis(), warmUp.checkGflops(), loadAverage());
        System.out.printf("%-4s %-18s %7s %11s %12s %12s%n", "mode", "MxNxK", "reps", "median_ms", "GFLOP/s_med", "GFLOP/s_best");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Product p : products) {
            double[] secondsPerCall = time(p);
            double median = secondsPerCall[secondsPerCall.length / 2];
            double best = secondsPerCall[0];
            System.out.printf("%-4s %-18s %7d %11.3f %12.1f %12.1f%n", p.mode(), p.shape(), secondsPerCall.length,
                    median * 1e3, p.flop() / median / 1e9, p.flop() / best / 1e9);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("backend", "ringclip-" + Gemm.kernel().name());
            row.put("mode", p.mode());
            row.put("m", p.m());
            row.put("n", p.n());
            row.put("k", p.k());
            row.put("threads", Gemm.threads());
            row.put("reps", secondsPerCall.length);
            row.put("median_ms", median * 1e3);
            row.put("gflops_median", p.flop() / median / 1e9);
            row.put("gflops_best", p.flop() / best / 1e9);
            rows.add(row);
        }
        if (json != null) {
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), rows);
            System.out.println("wrote " + json);
        }
        return 0;
    }

    /** Sorted seconds per call. */
    private double[] time(Product p) {
        Random random = new Random(0);
        float[] a = randomArray(random, p.m() * p.k());
        float[] b = randomArray(random, p.k() * p.n());
        float[] c = new float[p.m() * p.n()];
        int lda = p.transA() ? p.m() : p.k();
        int ldb = p.transB() ? p.k() : p.n();
        for (int i = 0; i < 2; i++) {
            Gemm.sgemm(p.transA(), p.transB(), p.m(), p.n(), p.k(), a, 0, lda, b, 0, ldb, c, 0, p.n(), false);
        }
        double[] seconds = new double[16];
        int reps = 0;
        long start = System.nanoTime();
        long minNanos = (long) (minSeconds * 1e9);
        while (reps < minReps || System.nanoTime() - start < minNanos) {
            long t0 = System.nanoTime();
            Gemm.sgemm(p.transA(), p.transB(), p.m(), p.n(), p.k(), a, 0, lda, b, 0, ldb, c, 0, p.n(), false);
            if (reps == seconds.length) {
                seconds = Arrays.copyOf(seconds, reps * 2);
            }
            seconds[reps++] = (System.nanoTime() - t0) / 1e9;
        }
        double[] sorted = Arrays.copyOf(seconds, reps);
        Arrays.sort(sorted);
        return sorted;
    }

    static List<Product> parseProducts(List<String> specs, List<String> defaultModes) {
        List<Product> products = new ArrayList<>();
        for (String spec : specs) {
            String s = spec.trim();
            List<String> productModes = defaultModes;
            int colon = s.indexOf(':');
            if (colon >= 0) {
                productModes = List.of(s.substring(0, colon));
                s = s.substring(colon + 1);
            }
            String[] dims = s.replace('×', 'x').toLowerCase().split("x");
            if (dims.length != 3) {
                throw new IllegalArgumentException("bad product: spec=" + spec + " (expected [MODE:]MxNxK)");
            }
            int m = positive(dims[0], spec), n = positive(dims[1], spec), k = positive(dims[2], spec);
            for (String mode : productModes) {
                String upper = mode.trim().toUpperCase();
                if (!upper.matches("[NT][NT]")) {
                    throw new IllegalArgumentException("bad mode: mode=" + mode + " (expected NN, NT, TN or TT)");
                }
                products.add(new Product(upper, m, n, k));
            }
        }
        return products;
    }

    private static int positive(String text, String spec) {
        try {
            int v = Integer.parseInt(text.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("bad dimension: spec=" + spec + ", dimension=" + text + " (expected a positive integer)");
    }

    /** Forward NT R×out×in, dX NN R×in×out, dW TN out×in×R of a linear layer in→out over R rows. */
    private static String layerProducts(int rows, int in, int out) {
        return "NT:" + rows + "x" + out + "x" + in + ",NN:" + rows + "x" + in + "x" + out + ",TN:" + out + "x" + in + "x" + rows;
    }

    private static float[] randomArray(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() - 0.5f;
        }
        return x;
    }

    private static String loadAverage() {
        try {
            String[] parts = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
