package io.ringclip.coordinator.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the coordinator exports to Prometheus. Values are written by the command thread after
 * each command and read by the scrape thread, so each is a single atomic.
 *
 * <pre>
 * ringclip_coordinator_workers          members (joined, heartbeating)
 * ringclip_coordinator_ring_size        world size of the current ring (0 unless RUNNING)
 * ringclip_coordinator_generation       current generation
 * ringclip_job_step / _loss / _samples_per_second   latest progress of the active job
 * ringclip_coordinator_evictions_total  workers evicted for missed heartbeats
 * </pre>
 */
final class CoordinatorMetrics {

    private final AtomicLong workers = new AtomicLong();
    private final AtomicLong ringSize = new AtomicLong();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong step = new AtomicLong();
    private final AtomicLong lossBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong samplesPerSecondBits = new AtomicLong(Double.doubleToLongBits(0));
    private final Counter evictions;
    private final Counter joins;
    private final Counter progressReports;

    CoordinatorMetrics(MeterRegistry registry) {
        Gauge.builder("ringclip.coordinator.workers", workers, AtomicLong::get)
                .description("joined workers").register(registry);
        Gauge.builder("ringclip.coordinator.ring.size", ringSize, AtomicLong::get)
                .description("world size of the current ring").register(registry);
        Gauge.builder("ringclip.coordinator.generation", generation, AtomicLong::get)
                .description("current membership generation").register(registry);
        Gauge.builder("ringclip.job.step", step, AtomicLong::get)
                .description("latest step of the active job").register(registry);
        Gauge.builder("ringclip.job.loss", lossBits, b -> Double.longBitsToDouble(b.get()))
                .description("latest loss of the active job").register(registry);
        Gauge.builder("ringclip.job.samples.per.second", samplesPerSecondBits, b -> Double.longBitsToDouble(b.get()))
                .description("latest global throughput of the active job").register(registry);
        evictions = Counter.builder("ringclip.coordinator.evictions").description("workers evicted for missed heartbeats")
                .register(registry);
        joins = Counter.builder("ringclip.coordinator.joins").description("accepted joins and re-joins").register(registry);
        progressReports = Counter.builder("ringclip.coordinator.progress.reports").description("accepted progress reports")
                .register(registry);
    }

    void membership(int workerCount, int ring, long gen) {
        workers.set(workerCount);
        ringSize.set(ring);
        generation.set(gen);
    }

    void progress(long jobStep, double loss, double samplesPerSecond) {
        step.set(jobStep);
        lossBits.set(Double.doubleToLongBits(loss));
        samplesPerSecondBits.set(Double.doubleToLongBits(samplesPerSecond));
    }

    void evicted(int count) {
        evictions.increment(count);
    }

    void joined() {
        joins.increment();
    }

    void progressReported() {
        progressReports.increment();
    }
}
