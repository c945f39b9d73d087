package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.train.Labels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataRegressionTest {
    @TempDir
    Path dir;

    private static float[] targets(DataSet d) {
        return ((Labels.Targets) d.labels()).values();
    }

    @Test
    void fractionalNumbersAreRegression() {
        DataSet d = read(write(dir, "stsb.csv", "sentence1,sentence2,label\na,b,4.25\nc,d,0\ne,f,1e-1\n"));
        assertEquals(ProblemType.REGRESSION, d.problemType());
        assertEquals(1, d.labelSet().numLabels());
        assertEquals(List.of("LABEL_0"), d.labelSet().names());
        assertArrayEquals(new float[] {4.25f, 0f, 0.1f}, targets(d));
    }

    @Test
    void integersAreClassesUnlessForced() {
        Path f = write(dir, "stars.csv", "text,label\na,1\nb,5\nc,3\n");
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, read(f).problemType());
        DataSet d = read(f, DataSpec.defaults().withProblemType(ProblemType.REGRESSION));
        assertArrayEquals(new float[] {1, 5, 3}, targets(d));
    }

    @Test
    void oneLabelModelMeansRegression() {
        Path f = write(dir, "r.csv", "text,label\na,1\nb,5\n");
        DataSet d = DataSets.read(f, DataSpec.defaults(), new KnownLabels(List.of("LABEL_0"), null));
        assertEquals(ProblemType.REGRESSION, d.problemType());
    }

    @Test
    void malformedNumbersAreBadRows() {
        Path f = write(dir, "r.csv", "text,label\na,0.5\nb,high\nc,1.5\nd,NaN\ne,2.5\n");
        fails(() -> read(f), "r.csv line 3: malformed number 'high' in column 'label'");
        DataSet d = read(f, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP));
        assertEquals(ProblemType.REGRESSION, d.problemType());
        assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f}, targets(d));
        assertEquals(2, d.badRows().skipped());
        assertEquals(f + " line 5: malformed number 'NaN' in column 'label': expected a finite number for regression",
                d.badRows().firstReasons().get(1));
    }

    @Test
    void configProblemTypeIsUsed() {
        Path f = write(dir, "r.csv", "text,label\na,1\nb,2\n");
        DataSet d = DataSets.read(f, DataSpec.defaults(), new KnownLabels(List.of(), ProblemType.REGRESSION));
        assertEquals(ProblemType.REGRESSION, d.problemType());
    }
}
