package dev.jbert.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The order in which an epoch visits the rows, a pure function of (rows, lengths, options, epoch):
 * <ul>
 * <li>no shuffle: file order, every epoch;</li>
 * <li>shuffle: a permutation from {@link SeededRandom} keyed (seed, EPOCH, epoch). Hugging Face's
 *     Trainer draws a {@code RandomSampler} permutation from torch's generator seeded per epoch: the
 *     same idea, different numbers;</li>
 * <li>shuffle and group by length: Hugging Face's {@code get_length_grouped_indices}, step for step:
 *     the permutation is cut into megabatches of {@code m · batchSize} rows, with
 *     {@code m = min(n / (4 · batchSize), 50)} (at least 1); each megabatch is sorted by length,
 *     longest first (stable: equal lengths keep their shuffled order); then the first row of the
 *     megabatch holding the longest row overall swaps places with the very first row, so the first
 *     batch is the longest and a memory shortage shows at once. Batches are then cut in that order, so
 *     rows of similar length share a batch and little padding is wasted.</li>
 * </ul>
 */
public final class EpochOrder {
    /** Hugging Face's {@code mega_batch_mult} cap. */
    static final int MEGA_BATCH_MULT = 50;

    private EpochOrder() {
    }

    public static int[] of(int[] lengths, BatchOptions options, int epoch) {
        int n = lengths.length;
        if (!options.shuffle()) {
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            return order;
        }
        int[] perm = SeededRandom.of(options.seed(), SeededRandom.EPOCH, epoch).permutation(n);
        return options.groupByLength() ? lengthGrouped(perm, lengths, options.batchSize()) : perm;
    }

    /** {@code get_length_grouped_indices} on a given permutation. */
    static int[] lengthGrouped(int[] perm, int[] lengths, int batchSize) {
        int n = perm.length;
        int mult = Math.max(1, Math.min(n / (batchSize * 4), MEGA_BATCH_MULT));
        int megaSize = mult * batchSize;
        List<Integer[]> megabatches = new ArrayList<>();
        for (int from = 0; from < n; from += megaSize) {
            Integer[] mb = new Integer[Math.min(megaSize, n - from)];
            for (int j = 0; j < mb.length; j++) {
                mb[j] = perm[from + j];
            }
            Arrays.sort(mb, (a, b) -> Integer.compare(lengths[b], lengths[a])); // stable, longest first
            megabatches.add(mb);
        }
        if (megabatches.isEmpty()) {
            return new int[0];
        }
        int maxIdx = 0;
        for (int k = 1; k < megabatches.size(); k++) {
            if (lengths[megabatches.get(k)[0]] > lengths[megabatches.get(maxIdx)[0]]) {
                maxIdx = k;
            }
        }
        Integer first = megabatches.getFirst()[0];
        megabatches.getFirst()[0] = megabatches.get(maxIdx)[0];
        megabatches.get(maxIdx)[0] = first;
        int[] out = new int[n];
        int k = 0;
        for (Integer[] mb : megabatches) {
            for (Integer i : mb) {
                out[k++] = i;
            }
        }
        return out;
    }
}
