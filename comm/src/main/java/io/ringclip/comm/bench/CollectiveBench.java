package io.ringclip.comm.bench;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.transport.local.LocalCluster;
import io.ringclip.comm.transport.netty.NettyCommunicators;
import io.ringclip.comm.transport.netty.NettyEndpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code ringclip bench allreduce|reducescatter|allgather}: runs {@link RankBenchmark} on N ranks,
 * either as N JVMs on loopback (PROCESS: the same {@code java}, classpath and JVM flags as this
 * one, main class {@link BenchWorkerMain}) or as N threads here (THREAD), and prints the table.
 */
public final class CollectiveBench {

    static final String SECRET_ENV = "RINGCLIP_BENCH_SECRET";

    private CollectiveBench() {}

    public static List<BenchResult> run(BenchOptions o, PrintStream out) throws Exception {
        return o.mode() == BenchOptions.Mode.THREAD ? runThreads(o, out) : runProcesses(o, out);
    }

    private static List<BenchResult> runThreads(BenchOptions o, PrintStream out) throws Exception {
        CommConfig config = o.commConfig();
        List<Communicator> comms = new ArrayList<>();
        List<NettyEndpoint> endpoints = new ArrayList<>();
        try {
            if (o.local()) {
                comms.addAll(LocalCluster.create(o.worldSize(), config));
            } else {
                List<InetSocketAddress> addresses = new ArrayList<>();
                for (int r = 0; r < o.worldSize(); r++) {
                    NettyEndpoint e = NettyEndpoint.bind(config, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    endpoints.add(e);
                    addresses.add(e.localAddress());
                }
                byte[] secret = newSecret();
                List<CompletableFuture<Communicator>> connecting = new ArrayList<>();
                for (int r = 0; r < o.worldSize(); r++) {
                    RendezvousResult m = new RendezvousResult(r, o.worldSize(), 0, "bench-threads", secret, addresses);
                    NettyEndpoint e = endpoints.get(r);
                    connecting.add(CompletableFuture.supplyAsync(() -> e.connect(m), CollectiveBench::daemon));
                }
                for (CompletableFuture<Communicator> f : connecting) {
                    comms.add(f.get(config.connectTimeout().toSeconds() + 5, TimeUnit.SECONDS));
                }
            }
            BenchTable.printHeader(out, o, o.local() ? "local" : "netty(" + NettyCommunicators.ioMode() + ")");
            List<CompletableFuture<List<BenchResult>>> ranks = new ArrayList<>();
            for (Communicator c : comms) {
                ranks.add(CompletableFuture.supplyAsync(
                        () -> RankBenchmark.run(c, o, c.rank() == 0 ? row -> BenchTable.printRow(out, row) : row -> {}),
                        CollectiveBench::daemon));
            }
            List<BenchResult> rank0 = ranks.get(0).join();
            for (CompletableFuture<List<BenchResult>> f : ranks) {
                f.join();
            }
            return rank0;
        } finally {
            comms.forEach(Communicator::close);
            endpoints.forEach(NettyEndpoint::close);
        }
    }

    private static final String LEAK_DETECTION_FLAG = "-Dio.netty.leakDetection.level=";

    private static List<BenchResult> runProcesses(BenchOptions o, PrintStream out) throws Exception {
        List<Integer> ports = freePorts(o.worldSize());
        String secretHex = HexFormat.of().formatHex(newSecret());
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        String classpath = System.getProperty("java.class.path");
        List<Process> workers = new ArrayList<>();
        List<BenchResult> results = new ArrayList<>();
        BenchTable.printHeader(out, o, "netty(" + NettyCommunicators.ioMode() + ")");
        try {
            for (int r = 0; r < o.worldSize(); r++) {
                List<String> cmd = new ArrayList<>();
                cmd.add(java);
                cmd.addAll(jvmFlags.stream().filter(f -> !f.startsWith("-agentlib:jdwp")).toList());
                if (jvmFlags.stream().noneMatch(f -> f.startsWith(LEAK_DETECTION_FLAG))) {
                    // Netty samples buffers for leak tracking by default; a benchmark measures without it
                    // (tests pass -D...=paranoid, which is inherited above and wins)
                    cmd.add(LEAK_DETECTION_FLAG + "disabled");
                }
                cmd.add("-cp");
                cmd.add(classpath);
                cmd.add(BenchWorkerMain.class.getName());
                cmd.addAll(BenchWorkerMain.args(o, r, ports));
                ProcessBuilder pb = new ProcessBuilder(cmd);
                pb.environment().put(SECRET_ENV, secretHex);
                pb.redirectError(ProcessBuilder.Redirect.INHERIT);
                if (r != 0) {
                    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
                }
                workers.add(pb.start());
            }
            try (BufferedReader rank0 = new BufferedReader(
                    new InputStreamReader(workers.get(0).getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = rank0.readLine()) != null) {
                    if (line.startsWith(BenchWorkerMain.RESULT_PREFIX)) {
                        BenchResult row = BenchResult.parseCsv(line.substring(BenchWorkerMain.RESULT_PREFIX.length()));
                        results.add(row);
                        BenchTable.printRow(out, row);
                    }
                }
            }
            for (int r = 0; r < workers.size(); r++) {
                Process p = workers.get(r);
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("bench worker did not exit: rank=" + r);
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("bench worker failed: rank=" + r + ", exitCode=" + p.exitValue());
                }
            }
            if (results.size() != o.sizesBytes().size()) {
                throw new IllegalStateException("missing results: expected=" + o.sizesBytes().size() + ", got=" + results.size());
            }
            return results;
        } finally {
            for (Process p : workers) {
                if (p.isAlive()) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** Ports the OS says are free right now (tiny race before the workers bind them). */
    private static List<Integer> freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    private static byte[] newSecret() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "bench");
        t.setDaemon(true);
        t.start();
    }
}
