package io.ringclip.trainer.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringclip.trainer.testing.LocalComms;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Finite differences (central, h = 1e-3, in double via the loss's double accumulation) against
 * the analytic gradients of the single-rank losses, for features, logit scale and bias; and the
 * gradScale contract (gradients × scale, loss unchanged). Features need not be normalised for the
 * loss itself, so each coordinate is perturbed independently.
 */
@Timeout(60)
class ContrastiveLossGradientCheckTest {

    private static final int B = 4;
    private static final int E = 5;
    private static final float H = 1e-3f;

    @ParameterizedTest
    @ValueSource(strings = {"clip", "siglip"})
    void shouldMatchFiniteDifferences(String kind) {
        float[] image = DistributedLossEquivalenceTest.normalisedRows(B, E, 3);
        float[] text = DistributedLossEquivalenceTest.normalisedRows(B, E, 4);
        float t = 1.2f;
        float bias = kind.equals("siglip") ? -1.5f : 0f;
        LossResult base = loss(kind, image, text, t, bias, 1f);
        for (int i = 0; i < B * E; i++) {
            assertEquals(numeric(kind, image, text, i, true, t, bias), base.dImage()[i], 2e-3, "dImage i=" + i);
            assertEquals(numeric(kind, image, text, i, false, t, bias), base.dText()[i], 2e-3, "dText i=" + i);
        }
        double dT = (loss(kind, image, text, t + H, bias, 1f).loss() - loss(kind, image, text, t - H, bias, 1f).loss()) / (2 * H);
        assertEquals(dT, base.dLogitScale(), 2e-3, "dLogitScale");
        if (kind.equals("siglip")) {
            double dB = (loss(kind, image, text, t, bias + H, 1f).loss() - loss(kind, image, text, t, bias - H, 1f).loss()) / (2 * H);
            assertEquals(dB, base.dLogitBias(), 2e-3, "dLogitBias");
        }
        LossResult scaled = loss(kind, image, text, t, bias, 1024f);
        assertEquals(base.loss(), scaled.loss(), 0.0, "loss must not include the grad scale");
        for (int i = 0; i < B * E; i++) {
            assertEquals(base.dImage()[i] * 1024f, scaled.dImage()[i], 1e-4 * Math.abs(scaled.dImage()[i]) + 1e-6);
        }
    }

    private static double numeric(String kind, float[] image, float[] text, int i, boolean img, float t, float bias) {
        float[] x = img ? image : text;
        float keep = x[i];
        x[i] = keep + H;
        double up = loss(kind, image, text, t, bias, 1f).loss();
        x[i] = keep - H;
        double down = loss(kind, image, text, t, bias, 1f).loss();
        x[i] = keep;
        return (up - down) / (2 * H);
    }

    private static LossResult loss(String kind, float[] image, float[] text, float t, float bias, float gradScale) {
        return LocalComms.runRanks(1, ex -> {
            ContrastiveLoss l = kind.equals("clip") ? new DistributedClipLoss(ex) : new DistributedSigLipLoss(ex);
            return l.compute(image, text, B, E, t, bias, gradScale);
        }).getFirst();
    }
}
