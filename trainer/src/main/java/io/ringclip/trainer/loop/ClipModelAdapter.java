package io.ringclip.trainer.loop;

import io.ringclip.models.model.ClipModel;
import io.ringclip.models.model.ForwardOptions;
import io.ringclip.models.model.ForwardPass;
import io.ringclip.models.tensor.ParameterView;
import io.ringclip.models.tensor.Precision;
import io.ringclip.trainer.optim.ParamSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** {@link TrainableModel} over the models module's {@link ClipModel} (one per worker thread). */
public final class ClipModelAdapter implements TrainableModel {

    private final ClipModel model;
    private final List<ParamSpan> spans;
    private final int threads;

    public ClipModelAdapter(ClipModel model, int threads) {
        this.model = model;
        this.threads = threads;
        List<ParamSpan> s = new ArrayList<>();
        for (ParameterView v : model.arena().views()) {
            s.add(new ParamSpan(v.name(), v.offset(), v.length(), v.shape()));
        }
        this.spans = List.copyOf(s);
    }

    public ClipModel model() {
        return model;
    }

    @Override
    public float[] params() {
        return model.arena().values();
    }

    @Override
    public float[] grads() {
        return model.arena().grads();
    }

    @Override
    public List<ParamSpan> spans() {
        return spans;
    }

    @Override
    public int embedDim() {
        return model.config().embedDim();
    }

    @Override
    public Forward forward(StepInput batch, Precision precision, double patchDropout, boolean lockImage,
                           RandomGenerator rng) {
        ForwardOptions opts = ForwardOptions.defaults()
                .withPrecision(precision)
                .withPatchDropout(patchDropout)
                .withLockImage(lockImage)
                .withRng(rng)
                .withThreads(threads);
        ForwardPass pass = model.forward(batch.images(), batch.tokens(), batch.size(), opts);
        return new Forward() {
            @Override
            public float[] imageFeatures() {
                return pass.imageFeatures();
            }

            @Override
            public float[] textFeatures() {
                return pass.textFeatures();
            }

            @Override
            public void backward(float[] dImage, float[] dText, GradientReady ready) {
                pass.backward(dImage, dText, ready::ready);
            }
        };
    }
}
