package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.classes;
import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.config.ProblemType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataLabelNumberingTest {
    @TempDir
    Path dir;

    @Test
    void stringLabelsAreNumberedInSortedOrderNotFirstAppearance() {
        DataSet d = read(write(dir, "s.csv", "text,label\na,pos\nb,neutral\nc,neg\nd,pos\n"));
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, d.problemType());
        assertEquals(List.of("neg", "neutral", "pos"), d.labelSet().names());
        assertArrayEquals(new int[] {2, 1, 0, 2}, classes(d));
        assertEquals(Map.of("neg", 0, "neutral", 1, "pos", 2), d.labelSet().label2id());
        assertEquals("pos", d.labelSet().id2label().get(2));
        assertFalse(d.labelSet().fromModel());
    }

    @Test
    void stringsSortByCodePointAsPython() {
        // Python: sorted(["b", "B", "a", "\U0001F600", "\uFF5E"]) == ['B', 'a', 'b', '～', '😀']
        DataSet d = read(write(dir, "cp.csv", "text,label\nx,b\nx,B\nx,a\nx,\uD83D\uDE00\nx,\uFF5E\n"));
        assertEquals(List.of("B", "a", "b", "\uFF5E", "\uD83D\uDE00"), d.labelSet().names());
    }

    @Test
    void integerLabelsKeepTheirValues() {
        DataSet d = read(write(dir, "i.csv", "text,label\na,2\nb,0\nc,1\nd,2\n"));
        assertEquals(List.of("0", "1", "2"), d.labelSet().names());
        assertArrayEquals(new int[] {2, 0, 1, 2}, classes(d));
    }

    @Test
    void otherIntegersAreSortedNumerically() {
        DataSet d = read(write(dir, "stars.csv", "text,label\na,10\nb,5\nc,1\nd,05\n"));
        assertEquals(List.of("1", "5", "10"), d.labelSet().names(), "numeric order, not '1' < '10' < '5'");
        assertArrayEquals(new int[] {2, 1, 0, 1}, classes(d));
        DataSet neg = read(write(dir, "neg.csv", "text,label\na,-1\nb,1\n"));
        assertEquals(List.of("-1", "1"), neg.labelSet().names());
    }

    @Test
    void integersBelowTheModelsLabelCountKeepTheirIds() {
        Path f = write(dir, "gap.csv", "text,label\na,0\nb,2\n");
        assertEquals(List.of("0", "2"), read(f).labelSet().names(), "alone: sorted numbering");
        DataSet d = DataSets.read(f, DataSpec.defaults(),
                new KnownLabels(List.of("LABEL_0", "LABEL_1", "LABEL_2"), null));
        assertEquals(List.of("0", "1", "2"), d.labelSet().names());
        assertArrayEquals(new int[] {0, 2}, classes(d));
    }

    @Test
    void modelNamedLabelsKeepTheirIds() {
        Path f = write(dir, "m.csv", "text,label\na,positive\nb,NEGATIVE\nc,1\nd,negative\n");
        KnownLabels known = new KnownLabels(List.of("positive", "negative"), null);
        DataSet d = DataSets.read(f, DataSpec.defaults(), known);
        assertTrue(d.labelSet().fromModel());
        assertEquals(List.of("positive", "negative"), d.labelSet().names(), "not re-sorted");
        assertArrayEquals(new int[] {0, 1, 1, 1}, classes(d), "by name, case-insensitive name, then integer id");
    }

    @Test
    void unknownLabelUnderModelNames() {
        Path f = write(dir, "m.csv", "text,label\na,positive\nb,meh\n");
        KnownLabels known = new KnownLabels(List.of("positive", "negative"), null);
        fails(() -> DataSets.read(f, DataSpec.defaults(), known),
                "m.csv line 3: unknown label 'meh': expected one of 'positive', 'negative'");
    }

    @Test
    void defaultModelNamesDoNotFixIds() {
        Path f = write(dir, "d.csv", "text,label\na,yes\nb,no\n");
        DataSet d = DataSets.read(f, DataSpec.defaults(), new KnownLabels(List.of("LABEL_0", "LABEL_1"), null));
        assertEquals(List.of("no", "yes"), d.labelSet().names());
        assertFalse(d.labelSet().fromModel());
    }

    @Test
    void validationFileUsesTheTrainingLabels() {
        DataSet train = read(write(dir, "train.csv", "text,label\na,b\nc,a\n"));
        Path dev = write(dir, "dev.csv", "text,label\nx,b\ny,c\nz,a\n");
        fails(() -> DataSets.read(dev, DataSpec.defaults(), train.labelSet()),
                "dev.csv line 3: unknown label 'c': expected one of 'a', 'b'");
        DataSet d = DataSets.read(dev, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP), train.labelSet());
        assertArrayEquals(new int[] {1, 0}, classes(d));
        assertEquals(1, d.badRows().skipped());
    }

    @Test
    void oneClassIsNotAClassifier() {
        fails(() -> read(write(dir, "one.csv", "text,label\na,pos\nb,pos\n")),
                "one.csv: every row has the label 'pos'");
    }

    @Test
    void forcedSingleLabelOnFractions() {
        DataSet d = read(write(dir, "f.csv", "text,label\na,0.5\nb,1.5\nc,0.25\n"),
                DataSpec.defaults().withProblemType(ProblemType.SINGLE_LABEL_CLASSIFICATION));
        assertEquals(List.of("0.25", "0.5", "1.5"), d.labelSet().names());
    }
}
