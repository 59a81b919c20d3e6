package io.ringclip.comm.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * What a benchmark reads from the JVM besides wall time: this process's CPU time (every thread:
 * event loop, op thread, JIT, GC) and the JIT's accumulated compile time. On a machine whose cores
 * the ranks share, CPU per op is the cost that decides throughput, and it is far less noisy than
 * wall time; compile time tells when warm-up is over.
 */
final class CpuMeter {

    private static final com.sun.management.OperatingSystemMXBean OS =
            ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os : null;
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private CpuMeter() {}

    /** CPU time of this process in nanoseconds, or -1 where the JVM cannot tell. */
    static long processCpuNanos() {
        return OS == null ? -1 : OS.getProcessCpuTime();
    }

    /** Milliseconds the JIT has spent compiling so far, or -1 where the JVM cannot tell. */
    static long compileMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    }
}
