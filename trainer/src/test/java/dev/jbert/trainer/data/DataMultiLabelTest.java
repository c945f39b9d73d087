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

class DataMultiLabelTest {
    @TempDir
    Path dir;

    private static float[][] rows(DataSet d) {
        return ((Labels.MultiHot) d.labels()).rows();
    }

    @Test
    void delimitedNames() {
        Path f = write(dir, "tags.csv", "text,label\na,sports|politics\nb,\nc, politics \nd,art|sports\n");
        DataSet d = read(f, DataSpec.defaults().withLabelDelimiter("|"));
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, d.problemType());
        assertEquals(List.of("art", "politics", "sports"), d.labelSet().names());
        assertArrayEquals(new float[][] {{0, 1, 1}, {0, 0, 0}, {0, 1, 0}, {1, 0, 1}}, rows(d));
    }

    @Test
    void namedZeroOneColumnsInTheirOrder() {
        Path f = write(dir, "toxic.csv", "comment_text,toxic,obscene,insult,other\na,1,0,1,x\nb,0,0,0,y\n");
        DataSet d = read(f, DataSpec.defaults().withLabelColumns("toxic, obscene,insult"));
        assertEquals(List.of("toxic", "obscene", "insult"), d.labelSet().names(), "column order, not sorted");
        assertArrayEquals(new float[][] {{1, 0, 1}, {0, 0, 0}}, rows(d));
    }

    @Test
    void zeroOneColumnsReorderedToModelNames() {
        Path f = write(dir, "toxic.csv", "text,toxic,insult\na,1,0\nb,0,1\n");
        DataSet d = DataSets.read(f, DataSpec.defaults(), new KnownLabels(List.of("insult", "toxic"), null));
        assertEquals(List.of("insult", "toxic"), d.labelSet().names());
        assertArrayEquals(new float[][] {{0, 1}, {1, 0}}, rows(d));
    }

    @Test
    void badFlagValues() {
        Path f = write(dir, "toxic.csv", "text,toxic,insult\na,1,0\nb,yes,1\nc,2,0\nd,,0\n");
        DataSet d = read(f, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP));
        assertEquals(1, d.size());
        assertEquals(List.of(
                f + " line 3: malformed number 'yes' in label column 'toxic': expected 0 or 1",
                f + " line 4: value 2 in label column 'toxic': expected 0 or 1",
                f + " line 5: missing value in label column 'toxic'"), d.badRows().firstReasons());
    }

    @Test
    void jsonListsOfFlagsOrNames() {
        Path flags = write(dir, "flags.jsonl", "{\"text\": \"a\", \"label\": [1, 0, 1]}\n"
                + "{\"text\": \"b\", \"label\": [0, 0, 0]}\n{\"text\": \"c\", \"label\": [0, 1]}\n");
        fails(() -> read(flags), "flags.jsonl line 3: the label has 2 values, expected 3");
        DataSet f = read(flags, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP));
        assertArrayEquals(new float[][] {{1, 0, 1}, {0, 0, 0}}, rows(f));

        Path names = write(dir, "names.jsonl", "{\"text\": \"a\", \"label\": [\"x\", \"w\"]}\n"
                + "{\"text\": \"b\", \"label\": []}\n");
        DataSet n = read(names);
        assertEquals(List.of("w", "x"), n.labelSet().names());
        assertArrayEquals(new float[][] {{1, 1}, {0, 0}}, rows(n));
    }

    @Test
    void forcedMultiLabelOnOneNamePerRow() {
        Path f = write(dir, "one.csv", "text,label\na,x\nb,y\n");
        DataSet d = read(f, DataSpec.defaults().withProblemType(ProblemType.MULTI_LABEL_CLASSIFICATION));
        assertArrayEquals(new float[][] {{1, 0}, {0, 1}}, rows(d));
    }

    @Test
    void validationColumnsMustMatch() {
        DataSet train = read(write(dir, "train.csv", "text,a,b\nx,1,0\ny,0,1\n"));
        Path dev = write(dir, "dev.csv", "text,a,c\nx,1,0\n");
        fails(() -> DataSets.read(dev, DataSpec.defaults(), train.labelSet()),
                "dev.csv: the label columns [a, c] are not the labels [a, b]");
    }
}
