package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.texts;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataBadRowTest {
    @TempDir
    Path dir;

    private static final DataSpec SKIP = DataSpec.defaults().withOnBadRow(OnBadRow.SKIP);

    @Test
    void emptyText() {
        Path f = write(dir, "train.csv", "sentence,label\na,1\n\"\",0\n");
        fails(() -> read(f), "train.csv line 3: empty text in column 'sentence'");
    }

    @Test
    void whiteSpaceOnlyTextInAOneColumnFileIsABadRowNotABlankLine() {
        Path f = write(dir, "texts.csv", "text\nfine\n   \nalso fine\n");
        fails(() -> DataSets.readUnlabelled(f, DataSpec.defaults()), "texts.csv line 3: empty text in column 'text'");
    }

    @Test
    void emptyPairText() {
        Path f = write(dir, "pairs.csv", "premise,hypothesis,label\na,b,x\nc,,y\n");
        fails(() -> read(f), "pairs.csv line 3: empty text in column 'hypothesis'");
    }

    @Test
    void missingText() {
        Path f = write(dir, "t.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"label\": 0}\n{\"text\": null, \"label\": 0}\n"
                + "{\"text\": \"b\", \"label\": 0}\n");
        fails(() -> read(f), "t.jsonl line 2: missing text in column 'text'");
        DataSet d = read(f, SKIP);
        assertEquals(List.of(f + " line 2: missing text in column 'text'", f + " line 3: missing text in column 'text'"),
                d.badRows().firstReasons());
    }

    @Test
    void missingLabel() {
        Path f = write(dir, "t.csv", "text,label\na,1\nb,\n");
        fails(() -> read(f), "t.csv line 3: missing label in column 'label'");
    }

    @Test
    void unknownLabel() {
        Path f = write(dir, "t.csv", "text,label\na,x\nb,y\n");
        DataSet train = read(f);
        Path dev = write(dir, "dev.csv", "text,label\n\"multi\nline\",x\nb,z\n");
        fails(() -> DataSets.read(dev, DataSpec.defaults(), train.labelSet()), "dev.csv line 4: unknown label 'z'");
    }

    @Test
    void malformedNumber() {
        Path f = write(dir, "r.csv", "text,label\na,0.5\nb,1.5\nc,1,5\n");
        fails(() -> read(f), "r.csv line 4: expected 2 columns, found 3");
        Path g = write(dir, "s.csv", "text,label\na,0.5\nb,1.5\nc,1.5.2\n");
        fails(() -> read(g), "s.csv line 4: malformed number '1.5.2' in column 'label'");
    }

    @Test
    void wrongNumberOfColumns() {
        Path f = write(dir, "c.csv", "text,label,source\na,1,x\nb,0\nc,1,y,z\nd,0,w\n");
        DataSet d = read(f, SKIP);
        assertArrayEquals(new String[] {"a", "d"}, texts(d));
        assertEquals(List.of(f + " line 3: expected 3 columns, found 2", f + " line 4: expected 3 columns, found 4"),
                d.badRows().firstReasons());
    }

    @Test
    void invalidUtf8() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write("text,label\ngood,1\nbad \u00e9 ".getBytes(StandardCharsets.UTF_8));
        b.write(new byte[] {(byte) 0xC3, (byte) 0x28});
        b.write(" text,0\nalso good,0\n".getBytes(StandardCharsets.UTF_8));
        Path f = TestData.writeBytes(dir, "u.csv", b.toByteArray());
        fails(() -> read(f), "u.csv line 3: invalid UTF-8 in column 'text' at character 7");
        DataSet d = read(f, SKIP);
        assertArrayEquals(new String[] {"good", "also good"}, texts(d));
    }

    @Test
    void loneSurrogate() {
        Path f = write(dir, "s.jsonl", "{\"text\": \"ok\", \"label\": 1}\n{\"text\": \"x\\ud800y\", \"label\": 0}\n");
        fails(() -> read(f), "s.jsonl line 2: a lone surrogate (U+D800) in column 'text' at character 2");
    }

    @Test
    void skipModeCountsAndSummarises() {
        StringBuilder sb = new StringBuilder("text,label\n");
        for (int i = 0; i < 10; i++) {
            sb.append(i % 2 == 0 ? "," : "row " + i + ",").append(i % 3).append('\n');
        }
        Path f = write(dir, "many.csv", sb.toString());
        DataSet d = read(f, SKIP);
        assertEquals(5, d.size());
        BadRows bad = d.badRows();
        assertEquals(5, bad.skipped());
        assertEquals(BadRows.KEPT_REASONS, bad.firstReasons().size());
        assertEquals(f + " line 2: empty text in column 'text'", bad.firstReasons().getFirst());
        assertTrue(bad.summary().startsWith("skipped 5 bad rows of " + f + ": " + f + " line 2: empty text"),
                bad.summary());
        DataSummary s = DataSummary.of(d);
        assertEquals(5, s.skipped());
        assertEquals(5, s.rows());
        assertEquals("single_label_classification", s.problemType());
        assertTrue(s.describe().get(1).contains("skipped 5 bad rows"), s.describe().toString());
    }

    @Test
    void skipModeStillFailsWhenNothingIsLeft() {
        Path f = write(dir, "all.csv", "text,label\n,1\n,0\n");
        fails(() -> read(f, SKIP), "all.csv: no good row", "skipped 2 bad rows");
    }
}
