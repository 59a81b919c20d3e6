package io.ringclip.trainer.amp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringclip.trainer.optim.ParamSpan;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossScalerTest {

    @Test
    void shouldStartAt2To16HalveAndSkipOnOverflowAndDoubleAfterCleanInterval() {
        LossScaler s = new LossScaler(true);
        assertEquals(65536.0, s.scale());
        assertFalse(s.update(true));
        assertEquals(32768.0, s.scale());
        assertEquals(1, s.skippedSteps());
        for (int i = 0; i < LossScaler.GROWTH_INTERVAL - 1; i++) {
            assertTrue(s.update(false));
        }
        assertEquals(32768.0, s.scale());
        assertTrue(s.update(false));
        assertEquals(65536.0, s.scale());
        assertEquals(0, s.cleanSteps());
    }

    @Test
    void shouldResetCleanCountOnOverflow() {
        LossScaler s = new LossScaler(true, 8, 3);
        s.update(false);
        s.update(false);
        s.update(true);
        s.update(false);
        s.update(false);
        assertEquals(4.0, s.scale());
        s.update(false);
        assertEquals(8.0, s.scale());
    }

    @Test
    void shouldNeverScaleWhenDisabled() {
        LossScaler s = new LossScaler(false);
        assertEquals(1.0, s.scale());
        assertFalse(s.update(true));
        assertEquals(1.0, s.scale());
    }

    @Test
    void shouldUnscaleMeasureAndClip() {
        float[] g = {2, 0, 4, 4};
        List<ParamSpan> spans = List.of(new ParamSpan("a", 0, 2, new int[] {2}), new ParamSpan("b", 2, 2, new int[] {2}));
        GradientMath.Stats st = GradientMath.unscaleAndMeasure(g, spans, 0.5f);
        assertEquals(1 + 4 + 4, st.sumOfSquares(), 1e-9);
        assertFalse(st.nonFinite());
        float f = GradientMath.clip(g, spans, st.norm(), 1.5);
        assertEquals(0.5f, f, 1e-6f);
        assertEquals(1.0f, g[2], 1e-6f);
        assertEquals(1f, GradientMath.clip(g, spans, 1.0, 1.5));

        float[] bad = {1, Float.NaN, 0, 0};
        assertTrue(GradientMath.unscaleAndMeasure(bad, spans, 1f).nonFinite());
        float[] inf = {1, 1, Float.POSITIVE_INFINITY, 0};
        assertTrue(GradientMath.unscaleAndMeasure(inf, spans, 1f).nonFinite());
    }
}
