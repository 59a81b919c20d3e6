package io.ringclip.trainer.testing;

import io.ringclip.comm.CommConfig;
import io.ringclip.comm.Communicator;
import io.ringclip.comm.transport.local.LocalCluster;
import io.ringclip.trainer.config.WireFormatChoice;
import io.ringclip.trainer.loop.CommunicatorWorkerComm;
import io.ringclip.trainer.loop.WorkerComm;
import io.ringclip.trainer.loop.WorkerThreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Simulation-mode communicators for tests: comm's in-JVM {@link LocalCluster}, one thread per rank. */
public final class LocalComms {

    private LocalComms() {}

    public static List<WorkerComm> create(int n, WireFormatChoice wire) {
        List<WorkerComm> out = new ArrayList<>();
        for (Communicator c : LocalCluster.create(n, CommConfig.defaults().withOpTimeout(Duration.ofSeconds(30)))) {
            out.add(new CommunicatorWorkerComm(c, wire));
        }
        return out;
    }

    /** Runs {@code body} on N threads, one communicator each; results in rank order. */
    public static <T> List<T> runRanks(int n, Function<? super WorkerComm, T> body) {
        return runRanks(n, WireFormatChoice.FP32, body);
    }

    /** As {@link #runRanks(int, Function)} with gradients on the wire as {@code wire}. */
    public static <T> List<T> runRanks(int n, WireFormatChoice wire, Function<? super WorkerComm, T> body) {
        List<WorkerComm> comms = create(n, wire);
        try {
            return WorkerThreads.run(comms, rank -> () -> body.apply(comms.get(rank)));
        } finally {
            comms.forEach(WorkerComm::close);
        }
    }
}
