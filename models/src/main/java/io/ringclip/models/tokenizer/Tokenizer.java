package io.ringclip.models.tokenizer;

/**
 * Text to token ids, CLIP style: {@code [sot, t1, …, tn, eot, 0, 0, …]} padded with 0 to the
 * context length, truncated so that eot is always present. {@link #endOfText()} is the highest id
 * in the vocabulary, so the text tower can pool at argmax(token id) exactly as open_clip does.
 */
public interface Tokenizer {

    /** Token ids, length == contextLength. */
    int[] encode(String text, int contextLength);

    /** The ids of {@code text} without sot/eot/padding. */
    int[] encodeOrdinary(String text);

    String decode(int[] ids);

    int vocabSize();

    int startOfText();

    int endOfText();
}
