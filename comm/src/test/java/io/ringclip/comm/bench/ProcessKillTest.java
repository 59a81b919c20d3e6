package io.ringclip.comm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.ringclip.comm.CollectiveException;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.TransportCommunicator;
import io.ringclip.comm.WireFormat;
import io.ringclip.comm.transport.netty.NettyCommunicators;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real thing: rank 2 is a separate JVM ({@link BenchWorkerMain}) running allreduces with ranks
 * 0 and 1 in this JVM; it is killed with SIGKILL mid-run, and both survivors must fail with a
 * {@link CollectiveException} long before their 10-minute op deadline.
 */
@Timeout(120)
class ProcessKillTest {

    @Test
    void killingAWorkerProcessMidAllReduceFailsTheSurvivors() throws Exception {
        int world = 3;
        List<Integer> ports = new ArrayList<>();
        List<ServerSocket> reserved = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            reserved.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            ports.add(reserved.get(r).getLocalPort());
        }
        for (ServerSocket s : reserved) {
            s.close();
        }
        byte[] secret = new byte[32];
        new java.security.SecureRandom().nextBytes(secret);
        // many long iterations: the run cannot end by itself within the test
        BenchOptions o = new BenchOptions(BenchOp.ALLREDUCE, world, List.of(8L << 20), BenchOptions.Mode.PROCESS,
                WireFormat.FP32, 1_000_000, 0.0, 5, 200, 1e6, 64 * 1024, false, 2, false, 0);

        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(f -> !f.startsWith("-agentlib:jdwp") && !f.startsWith("-javaagent")).toList());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchWorkerMain.class.getName());
        cmd.addAll(BenchWorkerMain.args(o, 2, ports));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(CollectiveBench.SECRET_ENV, HexFormat.of().formatHex(secret));
        Process worker = pb.start();
        try {
            List<InetSocketAddress> peers = ports.stream()
                    .map(p -> new InetSocketAddress(InetAddress.getLoopbackAddress(), p)).toList();
            List<CompletableFuture<List<BenchResult>>> survivors = new ArrayList<>();
            List<Communicator> comms = new ArrayList<>();
            List<CompletableFuture<Communicator>> connecting = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                RendezvousResult m = new RendezvousResult(r, world, 0, "bench-processes", secret, peers);
                connecting.add(CompletableFuture.supplyAsync(() -> NettyCommunicators.connect(
                        o.commConfig().withOpTimeout(Duration.ofMinutes(10)).withMeterRegistry(new SimpleMeterRegistry()),
                        m, peers.get(m.rank()))));
            }
            for (CompletableFuture<Communicator> f : connecting) {
                comms.add(f.get(60, TimeUnit.SECONDS));
            }
            try {
                for (Communicator c : comms) {
                    survivors.add(CompletableFuture.supplyAsync(() -> RankBenchmark.run(c, o)));
                }
                TransportCommunicator rank0 = (TransportCommunicator) comms.get(0);
                while (rank0.metrics().bytesReceived() < (16 << 20)) {
                    Thread.sleep(5); // several allreduces have gone through
                }
                worker.destroyForcibly(); // SIGKILL: no goodbye, no abort frame
                for (CompletableFuture<List<BenchResult>> f : survivors) {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
                    CollectiveException ce = assertInstanceOf(CollectiveException.class, e.getCause());
                    assertEquals(0, ce.generation());
                    assertTrue(ce.getMessage().contains("PEER_LOST") || ce.getMessage().contains("PEER_ABORTED"),
                            ce.getMessage());
                }
            } finally {
                comms.forEach(Communicator::close);
            }
        } finally {
            worker.destroyForcibly();
            worker.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
