package io.ringclip.comm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Micrometer meters of one communicator, tagged with its rank and transport:
 * <ul>
 *   <li>{@code ringclip.comm.bytes.sent} / {@code ringclip.comm.bytes.received}: payload bytes (counters)</li>
 *   <li>{@code ringclip.comm.op}: latency per op and wire format (timer with percentile histogram)</li>
 *   <li>{@code ringclip.comm.busbw.last}: bus bandwidth of the last allreduce/reducescatter/allgather, GB/s</li>
 *   <li>{@code ringclip.comm.failures}: failed operations per op (counter)</li>
 * </ul>
 */
public final class CommMetrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Counter bytesSent;
    private final Counter bytesReceived;
    private final AtomicLong lastBusbwBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));

    public CommMetrics(MeterRegistry registry, int rank, String transport) {
        this.registry = registry;
        this.tags = Tags.of("rank", Integer.toString(rank), "transport", transport);
        this.bytesSent = Counter.builder("ringclip.comm.bytes.sent").baseUnit("bytes").tags(tags).register(registry);
        this.bytesReceived = Counter.builder("ringclip.comm.bytes.received").baseUnit("bytes").tags(tags)
                .register(registry);
        registry.gauge("ringclip.comm.busbw.last", tags, lastBusbwBits,
                bits -> Double.longBitsToDouble(bits.get()));
    }

    public void sent(long bytes) {
        bytesSent.increment(bytes);
    }

    public void received(long bytes) {
        bytesReceived.increment(bytes);
    }

    /** Records one finished operation; {@code busFactor} is the nccl-tests factor (0 when not applicable). */
    public void completed(String op, WireFormat wire, long elapsedNanos, long dataBytes, double busFactor) {
        Timer.builder("ringclip.comm.op").tags(tags).tag("op", op).tag("wire", wire.name())
                .publishPercentileHistogram().register(registry).record(elapsedNanos, TimeUnit.NANOSECONDS);
        if (busFactor > 0 && elapsedNanos > 0) {
            double busbwGBps = dataBytes / (double) elapsedNanos * busFactor; // bytes/ns == GB/s
            lastBusbwBits.set(Double.doubleToLongBits(busbwGBps));
        }
    }

    public void failed(String op) {
        Counter.builder("ringclip.comm.failures").tags(tags).tag("op", op).register(registry).increment();
    }

    /** Total payload bytes received so far (tests use it to know an operation is under way). */
    public double bytesReceived() {
        return bytesReceived.count();
    }
}
