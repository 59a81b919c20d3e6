package io.ringclip.trainer.testing;

import io.ringclip.models.tensor.Precision;
import io.ringclip.trainer.loop.StepInput;
import io.ringclip.trainer.loop.TrainableModel;
import io.ringclip.trainer.optim.ParamSpan;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * A two-tower model small enough to reason about, for testing the training step apart from the
 * real ViT/Transformer:
 * <pre>
 *   image feature = normalise(visual.proj[E, P] · pixels[P])
 *   text feature  = normalise(text_projection[E, E] · Σ_t token_embedding[tokens_t])   (tokens_t ≠ 0)
 * </pre>
 * plus {@code logit_scale} (and {@code logit_bias} for SigLIP). Arena order: visual.proj,
 * token_embedding.weight, text_projection, logit_scale[, logit_bias]; backward reports slices in
 * descending offset order, as the real model does. Precision and patch dropout are ignored.
 */
public final class LinearTowersModel implements TrainableModel {

    private final int pixels;
    private final int vocab;
    private final int e;
    private final List<ParamSpan> spans = new ArrayList<>();
    private final float[] params;
    private final float[] grads;
    private final int wi;
    private final int emb;
    private final int wt;

    public LinearTowersModel(int pixels, int vocab, int embedDim, boolean siglip, long seed) {
        this.pixels = pixels;
        this.vocab = vocab;
        this.e = embedDim;
        int off = 0;
        wi = off;
        spans.add(new ParamSpan("visual.proj", off, e * pixels, new int[] {e, pixels}));
        off += e * pixels;
        emb = off;
        spans.add(new ParamSpan("token_embedding.weight", off, vocab * e, new int[] {vocab, e}));
        off += vocab * e;
        wt = off;
        spans.add(new ParamSpan("text_projection", off, e * e, new int[] {e, e}));
        off += e * e;
        spans.add(new ParamSpan("logit_scale", off, 1, new int[] {}));
        off += 1;
        if (siglip) {
            spans.add(new ParamSpan("logit_bias", off, 1, new int[] {}));
            off += 1;
        }
        params = new float[off];
        grads = new float[off];
        Random r = new Random(seed);
        for (int i = 0; i < wt + e * e; i++) {
            params[i] = (float) (r.nextGaussian() * 0.3);
        }
        params[wt + e * e] = siglip ? (float) Math.log(10) : (float) Math.log(1 / 0.07);
        if (siglip) {
            params[wt + e * e + 1] = -10f;
        }
    }

    @Override
    public float[] params() {
        return params;
    }

    @Override
    public float[] grads() {
        return grads;
    }

    @Override
    public List<ParamSpan> spans() {
        return spans;
    }

    @Override
    public int embedDim() {
        return e;
    }

    @Override
    public Forward forward(StepInput batch, Precision precision, double patchDropout, boolean lockImage,
                           RandomGenerator rng) {
        int b = batch.size();
        int t = batch.tokens().length / b;
        float[] imgRaw = new float[b * e];
        float[] hText = new float[b * e];
        float[] txtRaw = new float[b * e];
        for (int s = 0; s < b; s++) {
            for (int i = 0; i < e; i++) {
                float acc = 0;
                for (int p = 0; p < pixels; p++) {
                    acc += params[wi + i * pixels + p] * batch.images()[s * pixels + p];
                }
                imgRaw[s * e + i] = acc;
            }
            for (int k = 0; k < t; k++) {
                int tok = batch.tokens()[s * t + k];
                if (tok != 0) {
                    for (int i = 0; i < e; i++) {
                        hText[s * e + i] += params[emb + tok * e + i];
                    }
                }
            }
            for (int i = 0; i < e; i++) {
                float acc = 0;
                for (int j = 0; j < e; j++) {
                    acc += params[wt + i * e + j] * hText[s * e + j];
                }
                txtRaw[s * e + i] = acc;
            }
        }
        float[] imgNorm = new float[b];
        float[] txtNorm = new float[b];
        float[] img = normalise(imgRaw, imgNorm, b);
        float[] txt = normalise(txtRaw, txtNorm, b);
        return new Forward() {
            @Override
            public float[] imageFeatures() {
                return img;
            }

            @Override
            public float[] textFeatures() {
                return txt;
            }

            @Override
            public void backward(float[] dImage, float[] dText, GradientReady ready) {
                float[] duImg = normaliseBackward(img, imgNorm, dImage, b);
                float[] duTxt = normaliseBackward(txt, txtNorm, dText, b);
                ready.ready(wt + e * e, params.length - (wt + e * e)); // logit params: set by the step
                float[] dh = new float[b * e];
                for (int s = 0; s < b; s++) {
                    for (int i = 0; i < e; i++) {
                        float g = duTxt[s * e + i];
                        for (int j = 0; j < e; j++) {
                            grads[wt + i * e + j] += g * hText[s * e + j];
                            dh[s * e + j] += g * params[wt + i * e + j];
                        }
                    }
                }
                ready.ready(wt, e * e);
                for (int s = 0; s < b; s++) {
                    for (int k = 0; k < t; k++) {
                        int tok = batch.tokens()[s * t + k];
                        if (tok != 0) {
                            for (int i = 0; i < e; i++) {
                                grads[emb + tok * e + i] += dh[s * e + i];
                            }
                        }
                    }
                }
                ready.ready(emb, vocab * e);
                if (!lockImage) {
                    for (int s = 0; s < b; s++) {
                        for (int i = 0; i < e; i++) {
                            float g = duImg[s * e + i];
                            for (int p = 0; p < pixels; p++) {
                                grads[wi + i * pixels + p] += g * batch.images()[s * pixels + p];
                            }
                        }
                    }
                }
                ready.ready(wi, e * pixels);
            }
        };
    }

    private float[] normalise(float[] raw, float[] norms, int b) {
        float[] out = new float[raw.length];
        for (int s = 0; s < b; s++) {
            double n = 0;
            for (int i = 0; i < e; i++) {
                n += (double) raw[s * e + i] * raw[s * e + i];
            }
            norms[s] = (float) Math.sqrt(n);
            for (int i = 0; i < e; i++) {
                out[s * e + i] = raw[s * e + i] / norms[s];
            }
        }
        return out;
    }

    /** d raw = (df − f·(f·df)) / |raw| */
    private float[] normaliseBackward(float[] f, float[] norms, float[] df, int b) {
        float[] out = new float[f.length];
        for (int s = 0; s < b; s++) {
            double dot = 0;
            for (int i = 0; i < e; i++) {
                dot += (double) f[s * e + i] * df[s * e + i];
            }
            for (int i = 0; i < e; i++) {
                out[s * e + i] = (float) ((df[s * e + i] - f[s * e + i] * dot) / norms[s]);
            }
        }
        return out;
    }

    /** A deterministic toy batch: sample i has class c = i mod 4; pixels and tokens depend on c and i. */
    public static StepInput batch(int from, int size, int pixels, int tokensPerSample, int vocab) {
        float[] img = new float[size * pixels];
        int[] tok = new int[size * tokensPerSample];
        for (int s = 0; s < size; s++) {
            int i = from + s;
            Random r = new Random(i * 7919L);
            for (int p = 0; p < pixels; p++) {
                img[s * pixels + p] = (float) r.nextGaussian() + (p % 4 == i % 4 ? 2f : 0f);
            }
            for (int k = 0; k < tokensPerSample; k++) {
                tok[s * tokensPerSample + k] = k == 0 ? 1 + i % 4 : 1 + r.nextInt(vocab - 1);
            }
        }
        return new StepInput(img, tok, size);
    }
}
