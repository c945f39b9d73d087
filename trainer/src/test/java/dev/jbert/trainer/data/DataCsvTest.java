package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.lines;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.texts;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCsvTest {
    @TempDir
    Path dir;

    @Test
    void quotedFieldsMayHoldCommasQuotesAndLineBreaks() {
        Path f = write(dir, "train.csv", "text,label\nplain text,pos\n\"a, quoted \"\"text\"\"\",neg\n"
                + "\"two\nlines\",pos\nlast,neg\n");
        DataSet d = read(f);
        assertArrayEquals(new String[] {"plain text", "a, quoted \"text\"", "two\nlines", "last"}, texts(d));
        assertArrayEquals(new long[] {2, 3, 4, 6}, lines(d), "each row's line is where it starts");
        assertFalse(d.hasPairs());
        assertEquals(List.of("neg", "pos"), d.labelSet().names());
    }

    @Test
    void crlfLineBreaksByteOrderMarkAndBlankLines() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "text,label\r\none,0\r\n\r\n\"x\r\ny\",1\r\nlast,1".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, bom.length);
        System.arraycopy(body, 0, all, bom.length, body.length);
        DataSet d = read(TestData.writeBytes(dir, "bom.csv", all));
        assertArrayEquals(new String[] {"one", "x\r\ny", "last"}, texts(d), "the BOM does not become part of 'text'");
        assertArrayEquals(new long[] {2, 4, 6}, lines(d));
    }

    @Test
    void badRowAfterMultiLineFieldIsReportedAtItsOwnLine() {
        Path f = write(dir, "train.csv", """
                text,label
                "one
                two
                three",1
                ,0
                """);
        fails(() -> read(f), "train.csv line 5: empty text in column 'text'");
    }

    @Test
    void quoteInsideUnquotedFieldIsKept() {
        Path f = write(dir, "q.csv", "text,label\nit 's a \"quote,1\nb,0\n");
        assertArrayEquals(new String[] {"it 's a \"quote", "b"}, texts(read(f)));
    }

    @Test
    void unterminatedQuoteStopsWithTheLineWhereTheRowStarts() {
        Path f = write(dir, "broken.csv", "text,label\ngood,1\n\"never closed,0\nmore,1\n");
        fails(() -> read(f, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP)), "broken.csv line 3: malformed CSV",
                "never closed");
    }

    @Test
    void headerProblems() {
        fails(() -> read(write(dir, "empty.csv", "")), "empty.csv: the file is empty");
        fails(() -> read(write(dir, "dup.csv", "text,label,text\na,1,b\n")), "dup.csv line 1",
                "column 'text' twice");
        fails(() -> read(write(dir, "only.csv", "text,label\n")), "only.csv: no good row");
    }

    @Test
    void blankTextIsEmptyText() {
        Path f = write(dir, "blank.csv", "text,label\n   ,1\n");
        fails(() -> read(f), "blank.csv line 2: empty text in column 'text'");
    }

    @Test
    void gzipIsDecompressed() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
            gz.write("text,label\nzipped,1\nrow,0\n".getBytes(StandardCharsets.UTF_8));
        }
        DataSet d = read(TestData.writeBytes(dir, "train.csv.gz", bytes.toByteArray()));
        assertEquals(2, d.size());
        assertTrue(d.text(0).equals("zipped"));
    }
}
