package io.ringclip.trainer.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringclip.trainer.testing.LocalComms;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WorkerThreadsTest {

    @Test
    void shouldReturnResultsInRankOrder() {
        List<WorkerComm> comms = LocalComms.create(3, io.ringclip.trainer.config.WireFormatChoice.FP32);
        List<Integer> out = WorkerThreads.run(comms, rank -> () -> {
            float[] x = {rank};
            comms.get(rank).allReduceSum(x);
            return rank * 10 + (int) x[0];
        });
        assertEquals(List.of(3, 13, 23), out);
    }

    @Test
    void shouldFailFastAndNameTheRankWhenOneWorkerDies() {
        List<WorkerComm> comms = LocalComms.create(3, io.ringclip.trainer.config.WireFormatChoice.FP32);
        WorkerThreads.WorkerFailedException e = assertThrows(WorkerThreads.WorkerFailedException.class,
                () -> WorkerThreads.run(comms, rank -> () -> {
                    if (rank == 2) {
                        throw new IllegalStateException("boom");
                    }
                    comms.get(rank).barrier(); // would wait 30 s for rank 2 without the abort
                    return rank;
                }));
        assertEquals(2, e.rank());
        assertEquals("boom", e.getCause().getMessage());
    }
}
