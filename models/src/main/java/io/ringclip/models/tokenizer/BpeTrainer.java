package io.ringclip.models.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Learns BPE merges from a caption corpus, in the vocabulary layout of {@link BpeTokenizer}
 * (512 byte symbols, merges, sot, eot), so a trained tokenizer saves as a CLIP merges file.
 *
 * <p>Algorithm (Sennrich et al., as CLIP's merges were made): count each distinct pre-token
 * ("word") once with its frequency; repeatedly merge the adjacent symbol pair with the highest
 * frequency-weighted count, ties broken by the lexicographically smaller (a, b) so the result does
 * not depend on corpus order. Incremental: each pair remembers the words it occurs in, and a merge
 * only recounts those words; a max-heap with stale entries skipped picks the best pair.
 * Stops at the target vocabulary or when no pair occurs {@code minPairCount} times.
 */
public final class BpeTrainer {

    private BpeTrainer() {}

    /** {@link #train(Iterable, int, int)} with minPairCount 2 (a merge seen once teaches nothing). */
    public static BpeTokenizer train(Iterable<String> captions, int vocabSize) {
        return train(captions, vocabSize, 2);
    }

    /**
     * @param vocabSize target size including the 512 byte symbols and sot/eot: at least 514;
     *                  the result may be smaller if the corpus runs out of pairs
     */
    public static BpeTokenizer train(Iterable<String> captions, int vocabSize, int minPairCount) {
        if (vocabSize < BpeTokenizer.BASE_VOCAB + 2) {
            throw new IllegalArgumentException("vocabSize must cover 512 byte symbols + sot + eot: vocabSize="
                    + vocabSize + ", minimum=" + (BpeTokenizer.BASE_VOCAB + 2));
        }
        if (minPairCount < 1) {
            throw new IllegalArgumentException("minPairCount must be >= 1: minPairCount=" + minPairCount);
        }
        return BpeTokenizer.fromMerges(new Run(countWords(captions)).learn(vocabSize - BpeTokenizer.BASE_VOCAB - 2, minPairCount));
    }

    private static Map<String, Integer> countWords(Iterable<String> captions) {
        Map<String, Integer> counts = new HashMap<>();
        for (String caption : captions) {
            for (String token : ClipText.preTokens(ClipText.clean(caption))) {
                counts.merge(ByteUnicode.encode(token.getBytes(StandardCharsets.UTF_8)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Mutable state of one training run; symbols are interned to ints, a pair is packed in a long. */
    private static final class Run {
        private final List<String> symbols = new ArrayList<>();
        private final Map<String, Integer> symbolIds = new HashMap<>();
        private final int[][] words;
        private final int[] wordFreq;
        private final Map<Long, Long> pairCounts = new HashMap<>();
        private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
        private final PriorityQueue<long[]> heap; // {count, pair}

        Run(Map<String, Integer> wordCounts) {
            heap = new PriorityQueue<>((x, y) -> {
                if (x[0] != y[0]) {
                    return Long.compare(y[0], x[0]);
                }
                int c = symbols.get(first(x[1])).compareTo(symbols.get(first(y[1])));
                return c != 0 ? c : symbols.get(second(x[1])).compareTo(symbols.get(second(y[1])));
            });
            words = new int[wordCounts.size()][];
            wordFreq = new int[wordCounts.size()];
            int w = 0;
            for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
                String chars = e.getKey();
                int[] word = new int[chars.length()];
                for (int i = 0; i < word.length; i++) {
                    String s = String.valueOf(chars.charAt(i));
                    word[i] = intern(i == word.length - 1 ? s + BpeTokenizer.END_OF_WORD : s);
                }
                words[w] = word;
                wordFreq[w] = e.getValue();
                addPairs(w, +1);
                w++;
            }
            for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
                heap.add(new long[] {e.getValue(), e.getKey()});
            }
        }

        List<String[]> learn(int maxMerges, int minPairCount) {
            List<String[]> merges = new ArrayList<>();
            while (merges.size() < maxMerges && !heap.isEmpty()) {
                long[] top = heap.poll();
                long current = pairCounts.getOrDefault(top[1], 0L);
                if (current != top[0]) {
                    continue; // stale: the count changed after this entry was pushed
                }
                if (current < minPairCount) {
                    break;
                }
                int a = first(top[1]);
                int b = second(top[1]);
                merges.add(new String[] {symbols.get(a), symbols.get(b)});
                merge(top[1], a, b, intern(symbols.get(a) + symbols.get(b)));
            }
            return merges;
        }

        private void merge(long pair, int a, int b, int ab) {
            Set<Long> touched = new HashSet<>();
            for (int w : List.copyOf(pairWords.getOrDefault(pair, Set.of()))) {
                addPairs(w, -1, touched);
                words[w] = replace(words[w], a, b, ab);
                addPairs(w, +1, touched);
            }
            for (long p : touched) {
                long count = pairCounts.getOrDefault(p, 0L);
                if (count > 0) {
                    heap.add(new long[] {count, p});
                }
            }
        }

        private static int[] replace(int[] word, int a, int b, int ab) {
            int[] out = new int[word.length];
            int n = 0;
            for (int i = 0; i < word.length; i++) {
                if (i < word.length - 1 && word[i] == a && word[i + 1] == b) {
                    out[n++] = ab;
                    i++;
                } else {
                    out[n++] = word[i];
                }
            }
            return java.util.Arrays.copyOf(out, n);
        }

        private void addPairs(int w, int sign) {
            addPairs(w, sign, null);
        }

        /** Adds (sign +1) or removes (-1) word w's adjacent pairs, weighted by its frequency. */
        private void addPairs(int w, int sign, Set<Long> touched) {
            int[] word = words[w];
            for (int i = 0; i < word.length - 1; i++) {
                long p = pack(word[i], word[i + 1]);
                long count = pairCounts.merge(p, (long) sign * wordFreq[w], Long::sum);
                if (count == 0) {
                    pairCounts.remove(p);
                }
                if (sign > 0) {
                    pairWords.computeIfAbsent(p, k -> new HashSet<>()).add(w);
                } else {
                    Set<Integer> ws = pairWords.get(p);
                    if (ws != null && ws.remove(w) && ws.isEmpty()) {
                        pairWords.remove(p);
                    }
                }
                if (touched != null) {
                    touched.add(p);
                }
            }
        }

        private int intern(String symbol) {
            return symbolIds.computeIfAbsent(symbol, s -> {
                symbols.add(s);
                return symbols.size() - 1;
            });
        }

        private static long pack(int a, int b) {
            return (long) a << 32 | (b & 0xFFFF_FFFFL);
        }

        private static int first(long pair) {
            return (int) (pair >>> 32);
        }

        private static int second(long pair) {
            return (int) pair;
        }
    }
}
