package io.ringclip.comm;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Communicator settings, validated once.
 *
 * @param opTimeout every wait inside one operation (a receive, a send leaving the process) ends by
 *     this deadline, counted from the start of the operation
 * @param segmentBytes fp32 bytes per segment: chunks are cut into segments of this size, and at most
 *     {@code inFlightSegments} of them are on the way per link (the pipeline depth)
 * @param smallMessageThresholdBytes operations on at most this many fp32 bytes use the one-round
 *     direct exchange instead of the ring (latency-bound sizes); 0 always uses the ring
 * @param inFlightSegments segments sent but not yet handed to the socket, per operation (2: one moves
 *     while the next is encoded), for collectives run on the op thread; the arrival-driven ring paces
 *     its own segments by the link's write-buffer water marks instead (two segments beyond the socket)
 * @param connectTimeout how long connecting to all peers and the handshake may take
 * @param ioThreads Netty event-loop threads per communicator
 * @param socketBufferBytes SO_SNDBUF/SO_RCVBUF; 0 keeps the kernel's auto-tuning
 * @param meterRegistry where bytes, op latencies and failures are recorded
 * @param arrivalDriven ring allreduce runs on the transport's delivery thread, reducing and forwarding
 *     each segment as it arrives ({@link io.ringclip.comm.algorithm.ArrivalDrivenRingAllReduce}), where the
 *     transport supports it; false runs the op-thread ring (the reference path), as do transports that cannot
 * @param shmDir a tmpfs directory for shared-memory payload lanes between ring neighbours on the same
 *     host ({@code io.ringclip.comm.transport.netty.ShmLane}); null keeps every payload on TCP. A link
 *     whose peer cannot map the lane file (another host or container) stays on TCP by itself.
 */
public record CommConfig(
        Duration opTimeout,
        int segmentBytes,
        int smallMessageThresholdBytes,
        int inFlightSegments,
        Duration connectTimeout,
        int ioThreads,
        int socketBufferBytes,
        MeterRegistry meterRegistry,
        boolean arrivalDriven,
        Path shmDir) {

    public static final int DEFAULT_SEGMENT_BYTES = 256 * 1024;
    public static final int DEFAULT_SMALL_MESSAGE_THRESHOLD_BYTES = 32 * 1024;
    public static final String SHM_DIR_PROPERTY = "ringclip.comm.shm.dir";

    public CommConfig {
        Objects.requireNonNull(opTimeout, "opTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        if (opTimeout.isNegative() || opTimeout.isZero()) {
            throw new IllegalArgumentException("opTimeout must be positive: opTimeout=" + opTimeout);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: connectTimeout=" + connectTimeout);
        }
        if (segmentBytes < 4 || segmentBytes % 4 != 0 || segmentBytes > (64 << 20)) {
            throw new IllegalArgumentException(
                    "segmentBytes must be a multiple of 4 in [4, 64 MiB]: segmentBytes=" + segmentBytes);
        }
        if (smallMessageThresholdBytes < 0 || smallMessageThresholdBytes > (16 << 20)) {
            throw new IllegalArgumentException(
                    "smallMessageThresholdBytes must be in [0, 16 MiB]: smallMessageThresholdBytes="
                            + smallMessageThresholdBytes);
        }
        if (inFlightSegments < 1 || inFlightSegments > 64) {
            throw new IllegalArgumentException("inFlightSegments must be in [1, 64]: inFlightSegments=" + inFlightSegments);
        }
        if (ioThreads < 1 || ioThreads > 64) {
            throw new IllegalArgumentException("ioThreads must be in [1, 64]: ioThreads=" + ioThreads);
        }
        if (socketBufferBytes < 0) {
            throw new IllegalArgumentException("socketBufferBytes must be >= 0: socketBufferBytes=" + socketBufferBytes);
        }
    }

    public static CommConfig defaults() {
        return new CommConfig(Duration.ofSeconds(60), DEFAULT_SEGMENT_BYTES, DEFAULT_SMALL_MESSAGE_THRESHOLD_BYTES,
                2, Duration.ofSeconds(30), 1, 0, Metrics.globalRegistry, true, defaultShmDir());
    }

    public CommConfig withOpTimeout(Duration v) {
        return new CommConfig(v, segmentBytes, smallMessageThresholdBytes, inFlightSegments, connectTimeout,
                ioThreads, socketBufferBytes, meterRegistry, arrivalDriven, shmDir);
    }

    public CommConfig withSegmentBytes(int v) {
        return new CommConfig(opTimeout, v, smallMessageThresholdBytes, inFlightSegments, connectTimeout,
                ioThreads, socketBufferBytes, meterRegistry, arrivalDriven, shmDir);
    }

    public CommConfig withSmallMessageThresholdBytes(int v) {
        return new CommConfig(opTimeout, segmentBytes, v, inFlightSegments, connectTimeout,
                ioThreads, socketBufferBytes, meterRegistry, arrivalDriven, shmDir);
    }

    public CommConfig withInFlightSegments(int v) {
        return new CommConfig(opTimeout, segmentBytes, smallMessageThresholdBytes, v, connectTimeout,
                ioThreads, socketBufferBytes, meterRegistry, arrivalDriven, shmDir);
    }

    public CommConfig withConnectTimeout(Duration v) {
        return new CommConfig(opTimeout, segmentBytes, smallMessageThresholdBytes, inFlightSegments, v,
                ioThreads, socketBufferBytes, meterRegistry, arrivalDriven, shmDir);
    }

    public CommConfig withIoThreads(int v) {
        return new CommConfig(opTimeout, segmentBytes, smallMessageThresholdBytes, inFlightSegments, connectTimeout,
                v, socketBufferBytes, meterRegistry, arrivalDriven, shmDir);
    }

    public CommConfig withSocketBufferBytes(int v) {
        return new CommConfig(opTimeout, segmentBytes, smallMessageThresholdBytes, inFlightSegments, connectTimeout,
                ioThreads, v, meterRegistry, arrivalDriven, shmDir);
    }

    public CommConfig withMeterRegistry(MeterRegistry v) {
        return new CommConfig(opTimeout, segmentBytes, smallMessageThresholdBytes, inFlightSegments, connectTimeout,
                ioThreads, socketBufferBytes, v, arrivalDriven, shmDir);
    }

    public CommConfig withArrivalDriven(boolean v) {
        return new CommConfig(opTimeout, segmentBytes, smallMessageThresholdBytes, inFlightSegments, connectTimeout,
                ioThreads, socketBufferBytes, meterRegistry, v, shmDir);
    }

    public CommConfig withShmDir(Path v) {
        return new CommConfig(opTimeout, segmentBytes, smallMessageThresholdBytes, inFlightSegments, connectTimeout,
                ioThreads, socketBufferBytes, meterRegistry, arrivalDriven, v);
    }

    /**
     * {@code -Dringclip.comm.shm.dir=DIR} ("off" for none), else {@code /dev/shm} where it is a writable
     * directory (Linux), else none.
     */
    static Path defaultShmDir() {
        String configured = System.getProperty(SHM_DIR_PROPERTY, "/dev/shm");
        if (configured.equals("off")) {
            return null;
        }
        Path dir = Path.of(configured);
        return Files.isDirectory(dir) && Files.isWritable(dir) ? dir : null;
    }

    /** fp32 elements per segment. */
    public int segmentElements() {
        return segmentBytes / Float.BYTES;
    }
}
