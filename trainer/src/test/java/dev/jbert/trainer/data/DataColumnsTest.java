package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.texts;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jbert.engine.config.ProblemType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataColumnsTest {
    @TempDir
    Path dir;

    @Test
    void textColumnFoundByName() {
        assertEquals("a", read(write(dir, "t.csv", "id,label,text\n7,1,a\n8,0,b\n")).text(0));
        DataSet s = read(write(dir, "s.csv", "label,sentence\n1,a\n0,b\n"));
        assertEquals("a", s.text(0));
        assertFalse(s.hasPairs());
        DataSet c = read(write(dir, "c.csv", "comment_text,label\nx,1\ny,0\n"));
        assertEquals("x", c.text(0));
    }

    @Test
    void knownPairsFoundByName() {
        DataSet glue = read(write(dir, "mrpc.csv", "label,sentence1,sentence2\n1,a,b\n0,c,d\n"));
        assertEquals("a", glue.text(0));
        assertEquals("b", glue.pair(0));
        DataSet nli = read(write(dir, "nli.csv", "premise,hypothesis,label\np,h,neutral\nq,i,entailment\n"));
        assertEquals("p", nli.text(0));
        assertEquals("h", nli.pair(0));
        DataSet qnli = read(write(dir, "qnli.csv", "question,sentence,label\nq,s,1\nr,t,0\n"));
        assertEquals("q", qnli.text(0));
        assertEquals("s", qnli.pair(0));
    }

    @Test
    void namedColumns() {
        Path f = write(dir, "r.csv", "title,body,sentiment,label\nt1,b1,pos,9\nt2,b2,neg,9\n");
        DataSet d = read(f, DataSpec.defaults().withTextColumn("body").withTextPairColumn("title")
                .withLabelColumn("sentiment"));
        assertEquals("b1", d.text(0));
        assertEquals("t1", d.pair(0));
        assertEquals(List.of("neg", "pos"), d.labelSet().names());
    }

    @Test
    void namedColumnMissing() {
        Path f = write(dir, "r.csv", "text,label\na,1\n");
        fails(() -> read(f, DataSpec.defaults().withTextColumn("body")),
                "r.csv: no text column 'body': found columns 'text', 'label'");
        fails(() -> read(f, DataSpec.defaults().withLabelColumn("y")), "r.csv: no label column 'y'");
        fails(() -> read(f, DataSpec.defaults().withTextPairColumn("other")), "no text pair column 'other'");
    }

    @Test
    void noTextColumn() {
        fails(() -> read(write(dir, "n.csv", "body,label\na,1\n")), "n.csv: which column is the text?",
                "columns 'body', 'label'", "text column option");
    }

    @Test
    void labelColumnFallbacks() {
        DataSet d = read(write(dir, "l.csv", "text,labels\na,x\nb,y\n"));
        assertEquals(List.of("x", "y"), d.labelSet().names());
        fails(() -> read(write(dir, "none.csv", "text,score\na,1\n")), "none.csv: no label column",
                "columns 'text', 'score'");
    }

    @Test
    void remainingColumnsAreMultiLabelFlagsIdExcluded() {
        DataSet d = read(write(dir, "toxic.csv", "id,comment_text,toxic,insult\n1,a,1,0\n2,b,0,0\n"));
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, d.problemType());
        assertEquals(List.of("toxic", "insult"), d.labelSet().names());
    }

    @Test
    void predictionIgnoresLabels() {
        Path f = write(dir, "p.csv", "text,label\na,\nb,whatever\n");
        DataSet d = DataSets.readUnlabelled(f, DataSpec.defaults());
        assertFalse(d.labelled());
        assertNull(d.labels());
        assertArrayEquals(new String[] {"a", "b"}, texts(d));
        DataSet noLabel = DataSets.readUnlabelled(write(dir, "q.csv", "text\nc\n\nd\n"), DataSpec.defaults());
        assertArrayEquals(new String[] {"c", "d"}, texts(noLabel));
    }

    @Test
    void textAndLabelMustDiffer() {
        Path f = write(dir, "same.csv", "text,label\na,1\n");
        fails(() -> read(f, DataSpec.defaults().withLabelColumn("text")), "'text' is both a text and a label column");
    }
}
