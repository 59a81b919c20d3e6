package io.ringclip.trainer.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits parameters into what AdamW decays, what it updates without decay, and what it leaves
 * alone (frozen).
 *
 * <p>No weight decay, following open_clip's {@code exclude} rule ({@code p.ndim < 2 or "bn" in n
 * or "ln" in n or "bias" in n or "logit_scale" in n}) and additionally every embedding
 * ({@code *embedding*}: class, positional and token embeddings) and {@code logit_bias}: decay would
 * pull these towards zero, which is not a regulariser for a lookup table or a temperature.
 *
 * <p>Frozen: with LiT ({@code lockImage}) the whole image tower ({@code visual.*}).
 */
public final class ParamGroups {

    private final List<ParamSpan> decayed;
    private final List<ParamSpan> undecayed;
    private final List<ParamSpan> frozen;

    private ParamGroups(List<ParamSpan> decayed, List<ParamSpan> undecayed, List<ParamSpan> frozen) {
        this.decayed = List.copyOf(decayed);
        this.undecayed = List.copyOf(undecayed);
        this.frozen = List.copyOf(frozen);
    }

    public static ParamGroups of(List<ParamSpan> params, boolean lockImage) {
        List<ParamSpan> d = new ArrayList<>();
        List<ParamSpan> u = new ArrayList<>();
        List<ParamSpan> f = new ArrayList<>();
        for (ParamSpan p : params) {
            if (lockImage && isImageTower(p.name())) {
                f.add(p);
            } else if (excludedFromDecay(p)) {
                u.add(p);
            } else {
                d.add(p);
            }
        }
        return new ParamGroups(d, u, f);
    }

    public static boolean isImageTower(String name) {
        return name.startsWith("visual.");
    }

    public static boolean excludedFromDecay(ParamSpan p) {
        String n = p.name();
        return p.rank() < 2
                || n.contains("bn")
                || n.contains("ln")
                || n.contains("bias")
                || n.contains("logit_scale")
                || n.contains("embedding");
    }

    public List<ParamSpan> decayed() {
        return decayed;
    }

    public List<ParamSpan> undecayed() {
        return undecayed;
    }

    public List<ParamSpan> frozen() {
        return frozen;
    }
}
