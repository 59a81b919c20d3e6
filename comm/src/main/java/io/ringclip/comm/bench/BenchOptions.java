package io.ringclip.comm.bench;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.WireFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What to measure and how, validated once.
 *
 * @param op the collective
 * @param worldSize ranks (processes or threads)
 * @param sizesBytes buffer sizes in bytes (multiples of 4)
 * @param mode PROCESS: one JVM per rank on loopback; THREAD: ranks as threads in this JVM
 * @param wire element type on the wire
 * @param warmup untimed ops per size (the first one is checked); repeated in rounds until
 *     {@code warmupSeconds} have passed and the JIT has stopped compiling, so timing sees compiled code
 * @param warmupSeconds minimum warm-up time per size
 * @param minIters fewest timed ops per size
 * @param maxIters most timed ops per size
 * @param targetSeconds the iteration count aims at about this much time per size
 * @param segmentBytes ring segment size
 * @param local THREAD mode only: use the in-JVM transport instead of loopback TCP
 * @param inFlightSegments sends outstanding per op before the sender waits (pipeline depth)
 * @param opThreadRing run the allreduce ring on the op thread (the reference path) instead of
 *     arrival-driven on the transport's I/O thread ({@link CommConfig#arrivalDriven()})
 * @param socketBufferBytes SO_SNDBUF/SO_RCVBUF ({@link CommConfig#socketBufferBytes()}); 0 keeps the kernel's auto-tuning
 */
public record BenchOptions(BenchOp op, int worldSize, List<Long> sizesBytes, Mode mode, WireFormat wire, int warmup,
        double warmupSeconds,
        int minIters, int maxIters, double targetSeconds, int segmentBytes, boolean local, int inFlightSegments,
        boolean opThreadRing, int socketBufferBytes) {

    public enum Mode { PROCESS, THREAD }

    public BenchOptions {
        if (worldSize < 1 || worldSize > 64) {
            throw new IllegalArgumentException("world must be in [1, 64]: world=" + worldSize);
        }
        if (sizesBytes.isEmpty()) {
            throw new IllegalArgumentException("at least one size needed");
        }
        for (long s : sizesBytes) {
            if (s < 4 || s % 4 != 0 || s > (1L << 30)) {
                throw new IllegalArgumentException("size must be a multiple of 4 bytes in [4, 1 GiB]: size=" + s);
            }
        }
        if (warmup < 1 || warmupSeconds < 0 || minIters < 1 || maxIters < minIters || targetSeconds <= 0) {
            throw new IllegalArgumentException("bad iteration settings: warmup=" + warmup + ", minIters=" + minIters
                    + ", maxIters=" + maxIters + ", targetSeconds=" + targetSeconds);
        }
        if (local && mode == Mode.PROCESS) {
            throw new IllegalArgumentException("the in-JVM transport needs --mode thread");
        }
        sizesBytes = List.copyOf(sizesBytes);
    }

    /** "4K,1M,16M" (powers of 1024) to bytes. */
    public static List<Long> parseSizes(String csv) {
        List<Long> sizes = new ArrayList<>();
        for (String part : csv.split(",")) {
            String s = part.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
            long unit = 1;
            if (s.endsWith("K")) {
                unit = 1L << 10;
            } else if (s.endsWith("M")) {
                unit = 1L << 20;
            } else if (s.endsWith("G")) {
                unit = 1L << 30;
            }
            if (unit != 1) {
                s = s.substring(0, s.length() - 1);
            }
            try {
                sizes.add(Long.parseLong(s) * unit);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad size: size=" + part + " (use e.g. 4K, 1M, 256M)");
            }
        }
        return sizes;
    }

    public CommConfig commConfig() {
        return CommConfig.defaults().withSegmentBytes(segmentBytes).withInFlightSegments(inFlightSegments)
                .withArrivalDriven(!opThreadRing).withSocketBufferBytes(socketBufferBytes);
    }
}
