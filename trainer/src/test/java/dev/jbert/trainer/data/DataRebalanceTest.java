package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataRebalanceTest {
    @TempDir
    Path dir;

    private DataSet data(int... counts) {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int c = 0; c < counts.length; c++) {
            for (int i = 0; i < counts[c]; i++) {
                sb.append("row ").append(c).append('_').append(i).append(',').append(c).append('\n');
            }
        }
        return read(write(dir, "d.csv", sb.toString()));
    }

    @Test
    void majorityClassesCutToTheMinorityCount() {
        DataSet d = data(50, 9, 20);
        DataSet r = Rebalance.undersample(d, 5);
        assertArrayEquals(new int[] {9, 9, 9}, r.labelCounts());
        for (int i = 1; i < r.size(); i++) {
            assertEquals(true, r.line(i) > r.line(i - 1), "file order kept");
        }
    }

    @Test
    void seededAndReproducible() {
        DataSet d = data(50, 9);
        long[] a = lines(Rebalance.undersample(d, 5));
        assertArrayEquals(a, lines(Rebalance.undersample(d, 5)));
        assertNotEquals(Arrays.toString(a), Arrays.toString(lines(Rebalance.undersample(d, 6))));
    }

    @Test
    void multiLabelBalancesCleanAgainstLabelledRows() {
        StringBuilder sb = new StringBuilder("text,toxic,insult\n");
        for (int i = 0; i < 30; i++) {
            sb.append("t").append(i).append(',').append(i < 4 ? 1 : 0).append(',').append(i == 5 ? 1 : 0).append('\n');
        }
        DataSet d = read(write(dir, "m.csv", sb.toString()));
        DataSet r = Rebalance.undersample(d, 1);
        assertEquals(10, r.size(), "5 labelled rows, 5 of the 25 clean ones");
        assertArrayEquals(new int[] {4, 1}, r.labelCounts());
    }

    @Test
    void regressionCannotBeRebalanced() {
        DataSet d = read(write(dir, "r.csv", "text,label\na,0.5\nb,1.5\n"));
        fails(() -> Rebalance.undersample(d, 1), "rebalancing needs class labels");
    }

    private static long[] lines(DataSet d) {
        return TestData.lines(d);
    }
}
