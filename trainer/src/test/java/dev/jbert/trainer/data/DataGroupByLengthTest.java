package dev.jbert.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataGroupByLengthTest {
    @TempDir
    Path dir;

    /** Rows of 1 to 60 words, lengths drawn at random (fixed seed). */
    private DataSet data(int rows) {
        java.util.Random rnd = new java.util.Random(5);
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < rows; i++) {
            int words = 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(60) : rnd.nextInt(8));
            sb.append("the");
            for (int w = 1; w < words; w++) {
                sb.append(" cat");
            }
            sb.append(',').append(i % 2).append('\n');
        }
        return DataSetEncoder.encode(TestData.read(TestData.write(dir, "g.csv", sb.toString())),
                TestData.tokenizer(), 0);
    }

    private static long padding(Batcher b, int epoch) {
        long pad = 0;
        var it = b.epoch(epoch);
        while (it.hasNext()) {
            pad += it.next().paddingTokens();
        }
        return pad;
    }

    @Test
    void groupingByLengthWastesLessPadding() {
        DataSet d = data(2000);
        Batcher random = new Batcher(d, BatchOptions.training(16, 3));
        Batcher grouped = new Batcher(d, BatchOptions.training(16, 3).withGroupByLength(true));
        for (int epoch = 0; epoch < 2; epoch++) {
            long r = padding(random, epoch);
            long g = padding(grouped, epoch);
            assertTrue(g * 4 < r, "grouped padding " + g + " should be far below random padding " + r);
        }
    }

    @Test
    void groupedOrderIsStillAPermutationAndStartsWithTheLongest() {
        DataSet d = data(500);
        Batcher b = new Batcher(d, BatchOptions.training(8, 9).withGroupByLength(true));
        int[] order = b.order(0);
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        int longest = 0;
        for (int i = 0; i < d.size(); i++) {
            longest = Math.max(longest, d.length(i));
        }
        assertEquals(longest, d.length(order[0]), "the first batch holds the longest row");
        assertArrayEquals(order, b.order(0), "reproducible");
    }

    @Test
    void megabatchesSortedLongestFirstAsHuggingFace() {
        // n = 12, batch 2: mult = min(12 / 8, 50) = 1, megabatches of 2 rows
        int[] lengths = {5, 1, 9, 3, 3, 7, 2, 8, 4, 6, 10, 1};
        int[] perm = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        // sorted pairs: [0,1] [2,3] [5,4] [7,6] [9,8] [10,11]; the longest (10 at row 10) swaps with row 0
        assertArrayEquals(new int[] {10, 1, 2, 3, 5, 4, 7, 6, 9, 8, 0, 11}, EpochOrder.lengthGrouped(perm, lengths, 2));
        // n = 40, batch 2: mult = 5, megabatches of 10; stable among equal lengths
        int[] flat = new int[40];
        int[] id = new int[40];
        for (int i = 0; i < 40; i++) {
            flat[i] = i % 10 == 0 ? 2 : 1;
            id[i] = i;
        }
        int[] out = EpochOrder.lengthGrouped(id, flat, 2);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.copyOfRange(out, 0, 10));
        assertArrayEquals(new int[] {10, 11, 12}, Arrays.copyOfRange(out, 10, 13));
    }

    @Test
    void noShuffleIgnoresGrouping() {
        DataSet d = data(50);
        Batcher b = new Batcher(d, BatchOptions.evaluation(8).withGroupByLength(true));
        int[] order = b.order(0);
        for (int i = 0; i < order.length; i++) {
            assertEquals(i, order[i]);
        }
    }
}
