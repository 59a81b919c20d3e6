package io.ringclip.comm.bench;

import io.ringclip.comm.Communicator;
import io.ringclip.comm.RendezvousResult;
import io.ringclip.comm.WireFormat;
import io.ringclip.comm.transport.netty.NettyCommunicators;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One rank of a PROCESS-mode benchmark (spawned by {@link CollectiveBench}): connects over loopback
 * TCP, runs {@link RankBenchmark}, and on rank 0 prints one {@code RESULT <csv>,<iterations>,<cpu ms/op>} line
 * per size. Arguments are key=value; the job secret comes from the environment, not argv.
 */
public final class BenchWorkerMain {

    static final String RESULT_PREFIX = "RESULT ";

    private BenchWorkerMain() {}

    static List<String> args(BenchOptions o, int rank, List<Integer> ports) {
        return List.of("rank=" + rank, "world=" + o.worldSize(),
                "ports=" + ports.stream().map(String::valueOf).collect(Collectors.joining(",")),
                "op=" + o.op().cliName(),
                "sizes=" + o.sizesBytes().stream().map(String::valueOf).collect(Collectors.joining(",")),
                "wire=" + o.wire().name(), "warmup=" + o.warmup(), "warmupSeconds=" + o.warmupSeconds(), "minIters=" + o.minIters(),
                "maxIters=" + o.maxIters(), "targetSeconds=" + o.targetSeconds(), "segmentBytes=" + o.segmentBytes(), "inFlight=" + o.inFlightSegments(),
                "opThreadRing=" + o.opThreadRing(), "socketBuffer=" + o.socketBufferBytes());
    }

    public static void main(String[] argv) {
        Map<String, String> a = new HashMap<>();
        for (String kv : argv) {
            int eq = kv.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("arguments are key=value: arg=" + kv);
            }
            a.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        String secretHex = System.getenv(CollectiveBench.SECRET_ENV);
        if (secretHex == null) {
            throw new IllegalStateException("missing environment variable " + CollectiveBench.SECRET_ENV);
        }
        int rank = Integer.parseInt(a.get("rank"));
        int world = Integer.parseInt(a.get("world"));
        BenchOptions o = new BenchOptions(BenchOp.ofCliName(a.get("op")), world, BenchOptions.parseSizes(a.get("sizes")),
                BenchOptions.Mode.PROCESS, WireFormat.valueOf(a.get("wire")), Integer.parseInt(a.get("warmup")),
                Double.parseDouble(a.get("warmupSeconds")),
                Integer.parseInt(a.get("minIters")), Integer.parseInt(a.get("maxIters")),
                Double.parseDouble(a.get("targetSeconds")), Integer.parseInt(a.get("segmentBytes")), false,
                Integer.parseInt(a.get("inFlight")), Boolean.parseBoolean(a.get("opThreadRing")),
                Integer.parseInt(a.get("socketBuffer")));
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String port : a.get("ports").split(",")) {
            peers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port)));
        }
        RendezvousResult membership = new RendezvousResult(rank, world, 0, "bench-processes",
                HexFormat.of().parseHex(secretHex), peers);
        try (Communicator c = NettyCommunicators.connect(o.commConfig(), membership, peers.get(rank))) {
            RankBenchmark.run(c, o, row -> {
                if (rank == 0) {
                    System.out.println(RESULT_PREFIX + row.workerRow());
                    System.out.flush();
                }
            });
        }
        System.exit(0);
    }
}
