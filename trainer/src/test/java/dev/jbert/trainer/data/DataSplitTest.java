package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSplitTest {
    @TempDir
    Path dir;

    /** 100 rows of class a, 30 of b, 7 of c, 1 of d, interleaved. */
    private DataSet imbalanced() {
        StringBuilder sb = new StringBuilder("text,label\n");
        int[] counts = {100, 30, 7, 1};
        String[] names = {"a", "b", "c", "d"};
        int row = 0;
        for (int round = 0; round < 100; round++) {
            for (int c = 0; c < 4; c++) {
                if (round < counts[c]) {
                    sb.append("row ").append(row++).append(',').append(names[c]).append('\n');
                }
            }
        }
        return read(write(dir, "imb.csv", sb.toString()));
    }

    private static Set<Long> lines(DataSet d) {
        Set<Long> s = new HashSet<>();
        for (int i = 0; i < d.size(); i++) {
            s.add(d.line(i));
        }
        return s;
    }

    @Test
    void stratifiedTakesRoundedFractionOfEachClass() {
        DataSet data = imbalanced();
        DataSplit s = ValidationSplit.split(data, 0.2, 42);
        // round(0.2·100)=20, round(0.2·30)=6, round(0.2·7)=1 (1.4), round(0.2·1)=0
        assertArrayEquals(new int[] {20, 6, 1, 0}, s.validation().labelCounts());
        assertArrayEquals(new int[] {80, 24, 6, 1}, s.train().labelCounts());
        assertEquals(data.size(), s.train().size() + s.validation().size());
        Set<Long> both = lines(s.train());
        both.retainAll(lines(s.validation()));
        assertTrue(both.isEmpty(), "no row in both");
        for (DataSet part : new DataSet[] {s.train(), s.validation()}) {
            for (int i = 1; i < part.size(); i++) {
                assertTrue(part.line(i) > part.line(i - 1), "file order kept");
            }
        }
    }

    @Test
    void everyClassKeepsATrainingRow() {
        DataSplit s = ValidationSplit.split(imbalanced(), 0.5, 1);
        // round(0.5·1) = 1 would take class d's only row: capped at n_c − 1 = 0
        assertEquals(0, s.validation().labelCounts()[3]);
        assertEquals(1, s.train().labelCounts()[3]);
        assertEquals(4, s.validation().labelCounts()[2], "round(3.5) = 4, half up");
    }

    @Test
    void sameSeedSameSplitOtherSeedOther() {
        DataSet data = imbalanced();
        Set<Long> a = lines(ValidationSplit.split(data, 0.2, 7).validation());
        Set<Long> b = lines(ValidationSplit.split(data, 0.2, 7).validation());
        Set<Long> c = lines(ValidationSplit.split(data, 0.2, 8).validation());
        assertEquals(a, b);
        assertFalse(a.equals(c));
    }

    @Test
    void randomSplitForMultiLabelAndRegression() {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 50; i++) {
            sb.append("r").append(i).append(',').append(i * 0.5).append('\n');
        }
        DataSet reg = read(write(dir, "reg.csv", sb.toString()));
        DataSplit s = ValidationSplit.split(reg, 0.1, 3);
        assertEquals(5, s.validation().size());
        assertEquals(45, s.train().size());
        assertEquals(lines(s.validation()), lines(ValidationSplit.split(reg, 0.1, 3).validation()));
    }

    @Test
    void badFractions() {
        DataSet data = imbalanced();
        fails(() -> ValidationSplit.split(data, 0, 1), "validation fraction");
        fails(() -> ValidationSplit.split(data, 1, 1), "validation fraction");
        fails(() -> ValidationSplit.split(data, 0.001, 1), "holds out no row");
    }
}
