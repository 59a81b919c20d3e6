package io.ringclip.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringclip.trainer.amp.LossScaler;
import io.ringclip.trainer.data.LoaderPosition;
import io.ringclip.trainer.loop.StateSync;
import io.ringclip.trainer.optim.AdamW;
import io.ringclip.trainer.optim.ParamGroups;
import io.ringclip.trainer.optim.ParamSpan;
import io.ringclip.trainer.testing.LocalComms;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class StateAgreementTest {

    /** Params of 2 spans, 4 + 3 floats (awkward, and above nothing in particular). */
    private static final List<ParamSpan> SPANS = List.of(
            new ParamSpan("visual.proj", 0, 4, new int[] {2, 2}), new ParamSpan("logit_scale", 4, 3, new int[] {3}));

    /** A rank's state whose every number is derived from {@code tag}, so ranks differ everywhere. */
    static StateSync.State state(int step, float tag) {
        float[] params = new float[7];
        float[] m = new float[7];
        float[] v = new float[7];
        for (int i = 0; i < 7; i++) {
            params[i] = tag + i;
            m[i] = tag * 10 + i;
            v[i] = tag * 100 + i;
        }
        AdamW adam = new AdamW(ParamGroups.of(SPANS, false), 7, 0.9, 0.98, 1e-6, 0.1);
        adam.state().copyFrom(m, v, 1000L + step);
        LossScaler scaler = new LossScaler(true);
        scaler.restore(Math.scalb(1.0, (int) tag), (int) tag, 7L * step);
        return new StateSync.State(step, new LoaderPosition(step / 3, 40L * step + 1), params, adam, scaler);
    }

    @Test
    void shouldAdoptNewestCommittedStateFromLowestRankHoldingIt() {
        // rank 0 is a newcomer (step 0), ranks 1 and 3 survived with step 12, rank 2 is one step behind
        int[] steps = {0, 12, 11, 12};
        List<Object[]> out = LocalComms.runRanks(4, comm -> {
            StateSync.State local = state(steps[comm.rank()], comm.rank() + 1);
            StateSync.Resume r = new StateAgreement().agree(comm, local);
            return new Object[] {r, local};
        });
        StateSync.State winner = state(12, 2); // rank 1's
        for (Object[] o : out) {
            StateSync.Resume r = (StateSync.Resume) o[0];
            StateSync.State s = (StateSync.State) o[1];
            assertEquals(12, r.step());
            assertEquals(winner.position(), r.position());
            assertArrayEquals(winner.params(), s.params());
            assertArrayEquals(winner.optimizer().state().m(), s.optimizer().state().m());
            assertArrayEquals(winner.optimizer().state().v(), s.optimizer().state().v());
            assertEquals(winner.optimizer().state().step(), s.optimizer().state().step());
            assertEquals(winner.scaler().scale(), s.scaler().scale());
            assertEquals(winner.scaler().cleanSteps(), s.scaler().cleanSteps());
            assertEquals(winner.scaler().skippedSteps(), s.scaler().skippedSteps());
        }
    }

    @Test
    void shouldKeepOwnStateWhenAlone() {
        List<StateSync.Resume> out = LocalComms.runRanks(1, comm -> new StateAgreement().agree(comm, state(5, 3)));
        assertEquals(new StateSync.Resume(5, state(5, 3).position()), out.getFirst());
    }

    @Test
    void shouldCarryEveryLongBitPatternInFloats() {
        long[] values = {0, 1, 65535, 65536, -1, Long.MIN_VALUE, Long.MAX_VALUE, Double.doubleToLongBits(65536.0),
                Double.doubleToLongBits(Double.MIN_VALUE), 0x0123_4567_89AB_CDEFL};
        float[] buf = new float[StateAgreement.FLOATS_PER_LONG + 1];
        for (long v : values) {
            StateAgreement.putLong(buf, 1, v);
            assertEquals(v, StateAgreement.getLong(buf, 1), () -> "value=" + Long.toHexString(v));
        }
    }
}
