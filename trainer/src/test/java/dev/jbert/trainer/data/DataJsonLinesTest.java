package dev.jbert.trainer.data;

import static dev.jbert.trainer.data.TestData.fails;
import static dev.jbert.trainer.data.TestData.lines;
import static dev.jbert.trainer.data.TestData.read;
import static dev.jbert.trainer.data.TestData.texts;
import static dev.jbert.trainer.data.TestData.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.train.Labels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataJsonLinesTest {
    @TempDir
    Path dir;

    @Test
    void textRowsWithPairsAndNamedLabels() {
        Path f = write(dir, "train.jsonl", """
                {"premise": "a cat sat", "hypothesis": "a cat", "label": "entailment"}

                {"premise": "the dog", "hypothesis": "a cat", "label": "contradiction", "extra": 1}
                {"premise": "unicode \\u00e9\\ud83d\\ude00", "hypothesis": "x", "label": "neutral"}
                """);
        DataSet d = read(f);
        assertArrayEquals(new String[] {"a cat sat", "the dog", "unicode \u00e9\ud83d\ude00"}, texts(d));
        assertEquals("a cat", d.pair(0));
        assertArrayEquals(new long[] {1, 3, 4}, lines(d));
        assertEquals(List.of("contradiction", "entailment", "neutral"), d.labelSet().names());
        assertArrayEquals(new int[] {1, 0, 2}, TestData.classes(d));
    }

    @Test
    void integerLabelsAsNumbers() {
        Path f = write(dir, "t.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": 0}\n"
                + "{\"text\": \"c\", \"label\": 2.0}\n");
        DataSet d = read(f);
        assertEquals(List.of("0", "1", "2"), d.labelSet().names());
        assertArrayEquals(new int[] {1, 0, 2}, TestData.classes(d));
    }

    @Test
    void jsonArrayFileWithLinesOfEachObject() {
        Path f = write(dir, "train.json", """
                [
                  {"text": "one", "label": "b"},
                  {"text": "two",
                   "label": "a"},
                  {"text": "", "label": "a"}
                ]
                """);
        DataSet d = read(f, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP));
        assertArrayEquals(new String[] {"one", "two"}, texts(d));
        assertArrayEquals(new long[] {2, 3}, lines(d));
        assertEquals(1, d.badRows().skipped());
        assertEquals(List.of(f + " line 5: empty text in column 'text'"), d.badRows().firstReasons());
    }

    @Test
    void malformedLineIsABadRow() {
        Path f = write(dir, "bad.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"b\", \"label\": \n"
                + "[1, 2]\n{\"text\": \"c\", \"label\": 0}\n");
        fails(() -> read(f), "bad.jsonl line 2: malformed JSON");
        DataSet d = read(f, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP));
        assertEquals(2, d.size());
        assertEquals(2, d.badRows().skipped());
        assertTrue(d.badRows().firstReasons().get(1).contains("bad.jsonl line 3: expected a JSON object, found array"));
    }

    @Test
    void textMustBeAString() {
        Path f = write(dir, "n.jsonl", "{\"text\": 42, \"label\": 1}\n");
        fails(() -> read(f), "n.jsonl line 1: column 'text' is number, expected a string");
    }

    @Test
    void preTokenizedRows() {
        Path f = write(dir, "tok.jsonl", """
                {"input_ids": [2, 7, 3], "label": "pos"}
                {"input_ids": [2, 8, 9, 10, 3], "token_type_ids": [0, 0, 0, 1, 1], "attention_mask": [1, 1, 1, 1, 0], "label": "neg"}
                """);
        DataSet d = read(f);
        assertFalse(d.hasText());
        assertTrue(d.encoded());
        assertArrayEquals(new int[] {2, 7, 3}, d.inputIds(0));
        assertNull(d.tokenTypeIds(0));
        assertArrayEquals(new int[] {0, 0, 0, 1, 1}, d.tokenTypeIds(1));
        assertEquals(List.of("neg", "pos"), d.labelSet().names());

        DataSet enc = DataSetEncoder.encode(d, TestData.tokenizer(), 128);
        Batch b = new Batcher(enc, BatchOptions.evaluation(2)).batch(0, 0);
        ModelInput in = b.input();
        assertEquals(5, in.seqLen());
        assertArrayEquals(new int[] {2, 7, 3, 0, 0, 2, 8, 9, 10, 3}, in.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0, 0, 0, 1, 1}, in.tokenTypeIds());
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 0}, in.attentionMask());
        assertArrayEquals(new int[] {1, 0}, ((Labels.Classes) b.labels()).values());
    }

    @Test
    void preTokenizedLabelsOfEachKind() {
        Path multi = write(dir, "multi.jsonl", "{\"input_ids\": [2, 3], \"labels\": [0, 1, 1]}\n"
                + "{\"input_ids\": [2, 5, 3], \"labels\": [1, 0, 0]}\n");
        DataSet m = read(multi);
        assertEquals(ProblemType.MULTI_LABEL_CLASSIFICATION, m.problemType());
        assertEquals(List.of("LABEL_0", "LABEL_1", "LABEL_2"), m.labelSet().names());
        assertArrayEquals(new float[] {0, 1, 1}, ((Labels.MultiHot) m.labels()).rows()[0]);

        Path reg = write(dir, "reg.jsonl", "{\"input_ids\": [2, 3], \"label\": 0.25}\n"
                + "{\"input_ids\": [2, 5, 3], \"label\": 3}\n");
        DataSet r = read(reg);
        assertEquals(ProblemType.REGRESSION, r.problemType());
        assertArrayEquals(new float[] {0.25f, 3f}, ((Labels.Targets) r.labels()).values());

        Path ids = write(dir, "ids.jsonl", "{\"input_ids\": [2, 3], \"label\": 1}\n{\"input_ids\": [2, 3], \"label\": 0}\n");
        assertArrayEquals(new int[] {1, 0}, TestData.classes(read(ids)));
    }

    @Test
    void preTokenizedBadRows() {
        Path f = write(dir, "tok.jsonl", """
                {"input_ids": [2, 7, 3], "label": 1}
                {"input_ids": [2, 7, 3], "token_type_ids": [0, 0], "label": 0}
                {"input_ids": [2, "x", 3], "label": 0}
                {"input_ids": [], "label": 0}
                {"input_ids": [2, 7, 3], "attention_mask": [1, 2, 1], "label": 0}
                {"input_ids": [2, 999, 3], "label": 0}
                {"input_ids": [2, 5, 5, 5, 5, 3], "label": 0}
                {"text": "no ids", "label": 0}
                """);
        fails(() -> read(f), "tok.jsonl line 2: token_type_ids has 2 values, expected 3");
        DataSet d = read(f, DataSpec.defaults().withOnBadRow(OnBadRow.SKIP));
        assertEquals(3, d.size());
        DataSet enc = DataSetEncoder.encode(d, TestData.tokenizer(), 5);
        assertEquals(1, enc.size());
        List<String> reasons = d.badRows().firstReasons();
        assertEquals(5, reasons.size());
        assertTrue(reasons.get(1).endsWith("line 3: input_ids: entry 1 is \"x\", expected a non-negative integer"),
                reasons.get(1));
        assertTrue(reasons.get(2).endsWith("line 4: empty input_ids: expected at least one token id"));
        assertTrue(reasons.get(3).endsWith("line 5: attention_mask: entry 1 is 2, expected 0 or 1"));
        assertTrue(reasons.get(4).endsWith("line 8: missing input_ids: expected a list of token ids"));
        assertEquals(7, d.badRows().skipped());
    }
}
