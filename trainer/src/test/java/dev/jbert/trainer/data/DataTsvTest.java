package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.lines;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.texts;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTsvTest {
    @TempDir
    Path dir;

    @Test
    void tabSeparatedWithQuotes() {
        Path f = write(dir, "dev.tsv", "sentence\tlabel\nhas, commas\t1\n\"tab\there\"\t0\n\"two\nlines\"\t1\n");
        DataSet d = read(f);
        assertArrayEquals(new String[] {"has, commas", "tab\there", "two\nlines"}, texts(d));
        assertArrayEquals(new long[] {2, 3, 4}, lines(d));
        assertArrayEquals(new int[] {1, 0, 1}, TestData.classes(d));
    }

    @Test
    void formatFromExtensionOrSniffed() {
        assertEquals(DataFormat.CSV, DataFormat.fromFileName("a.CSV"));
        assertEquals(DataFormat.TSV, DataFormat.fromFileName("a.tsv.gz"));
        assertEquals(DataFormat.JSON_LINES, DataFormat.fromFileName("a.jsonl"));
        assertEquals(DataFormat.JSON_LINES, DataFormat.fromFileName("a.json"));
        assertEquals(null, DataFormat.fromFileName("a.txt"));

        Path tsv = write(dir, "t.txt", "text\tlabel\na, b, c\t1\nd\t0\n");
        Path csv = write(dir, "c.data", "text,label\na\tb,1\nc,0\n");
        Path jsonl = write(dir, "j.dat", "\n{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n");
        assertEquals(DataFormat.TSV, DataSets.formatOf(tsv, DataSpec.defaults()));
        assertEquals(DataFormat.CSV, DataSets.formatOf(csv, DataSpec.defaults()));
        assertEquals(DataFormat.JSON_LINES, DataSets.formatOf(jsonl, DataSpec.defaults()));
        assertArrayEquals(new String[] {"a, b, c", "d"}, texts(read(tsv)));
        assertArrayEquals(new String[] {"a\tb", "c"}, texts(read(csv)));
        assertArrayEquals(new String[] {"a", "b"}, texts(read(jsonl)));
        assertArrayEquals(new long[] {2, 3}, lines(read(jsonl)));
    }

    @Test
    void formatCanBeForced() {
        Path f = write(dir, "data.csv", "text\tlabel\nx, y\t1\nz\t0\n");
        DataSet d = read(f, DataSpec.defaults().withFormat(DataFormat.TSV));
        assertArrayEquals(new String[] {"x, y", "z"}, texts(d));
    }
}
