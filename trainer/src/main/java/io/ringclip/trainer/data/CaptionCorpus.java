package io.ringclip.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The captions of a dataset, in index order, for training the BPE tokenizer. Uses
 * {@link DataSource#caption}, which sources implement without reading images; bad rows are
 * left out.
 */
public final class CaptionCorpus {

    private CaptionCorpus() {}

    public static List<String> captions(DataSource source) {
        return captions(source, Integer.MAX_VALUE);
    }

    /** At most {@code maxCaptions} captions, taken from the start of the dataset. */
    public static List<String> captions(DataSource source, int maxCaptions) {
        List<String> captions = new ArrayList<>(Math.min(source.size(), maxCaptions));
        for (int i = 0; i < source.size() && captions.size() < maxCaptions; i++) {
            try {
                String caption = source.caption(i);
                if (caption != null && !caption.isBlank()) {
                    captions.add(caption);
                }
            } catch (BadSampleException e) {
                // A malformed row has no caption to learn from; the loader reports it when it meets it.
            }
        }
        return captions;
    }
}
