package io.ringclip.trainer.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void shouldWarmUpLinearlyThenDecayByCosineToZero() {
        LrSchedule s = new LrSchedule(1.0, 10, 110);
        assertEquals(0.1, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(9), 1e-12);
        assertEquals(1.0, s.lr(10), 1e-12);
        assertEquals(0.5, s.lr(60), 1e-12);
        assertEquals(0.0, s.lr(110), 1e-12);
        assertEquals(0.0, s.lr(500), 1e-12);
    }

    @Test
    void shouldAllowNoWarmup() {
        LrSchedule s = new LrSchedule(2.0, 0, 4);
        assertEquals(2.0, s.lr(0), 1e-12);
        assertEquals(1.0, s.lr(2), 1e-12);
    }
}
