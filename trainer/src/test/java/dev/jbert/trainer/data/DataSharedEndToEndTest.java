package dev.jbert.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.engine.config.ProblemType;
import dev.jbert.engine.nn.ModelInput;
import dev.jbert.engine.testing.Shared;
import dev.jbert.engine.train.Labels;
import dev.jbert.tokenizer.BertTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The public data in ../shared/data, read, split, tokenized with all-MiniLM-L6-v2's vocabulary and batched. */
class DataSharedEndToEndTest {

    private static BertTokenizer miniLm() {
        return BertTokenizer.fromPath(Shared.require("models/all-MiniLM-L6-v2"));
    }

    @Test
    void sst2TrainEndToEnd() {
        Path file = Shared.require("data/sst2/train.csv");
        BertTokenizer tok = miniLm();
        DataSet data = DataSets.read(file, DataSpec.defaults(), KnownLabels.none());
        assertEquals(67_349, data.size());
        assertEquals(ProblemType.SINGLE_LABEL_CLASSIFICATION, data.problemType());
        assertEquals(List.of("0", "1"), data.labelSet().names());
        assertArrayEquals(new int[] {29_780, 37_569}, data.labelCounts(), "as ../shared/data/README.md says");
        assertEquals("hide new secretions from the parental units ", data.text(0));
        assertEquals(2, data.line(0));

        DataSplit split = ValidationSplit.split(data, 0.1, 42);
        assertArrayEquals(new int[] {2_978, 3_757}, split.validation().labelCounts());

        DataSet train = DataSetEncoder.encode(split.train(), tok, 64);
        assertEquals(split.train().size(), train.size());
        for (int i = 0; i < train.size(); i++) {
            int[] ids = train.inputIds(i);
            assertTrue(ids.length >= 2 && ids.length <= 64);
            assertEquals(tok.clsId(), ids[0]);
            assertEquals(tok.sepId(), ids[ids.length - 1]);
        }
        assertEquals(split.train().text(0).strip(), tok.decode(train.inputIds(0), true));

        Batcher random = new Batcher(train, BatchOptions.training(32, 42));
        Batcher grouped = new Batcher(train, BatchOptions.training(32, 42).withGroupByLength(true));
        long randomPadding = 0;
        long groupedPadding = 0;
        int rows = 0;
        for (BatchIterator it = random.epoch(0); it.hasNext(); ) {
            Batch b = it.next();
            randomPadding += b.paddingTokens();
            rows += b.size();
            ModelInput in = b.input();
            assertTrue(in.seqLen() <= 64);
            assertEquals(b.size(), ((Labels.Classes) b.labels()).values().length);
        }
        for (BatchIterator it = grouped.epoch(0); it.hasNext(); ) {
            groupedPadding += it.next().paddingTokens();
        }
        assertEquals(train.size(), rows);
        assertTrue(groupedPadding * 5 < randomPadding, groupedPadding + " vs " + randomPadding);
    }

    @Test
    void snliPairsEndToEnd() {
        Path file = Shared.require("data/snli/dev.csv");
        BertTokenizer tok = miniLm();
        DataSet data = DataSets.read(file, DataSpec.defaults().withTextColumn("premise")
                .withTextPairColumn("hypothesis"), KnownLabels.none());
        assertEquals(9_842, data.size());
        assertTrue(data.hasPairs());
        assertEquals(List.of("contradiction", "entailment", "neutral"), data.labelSet().names());
        assertArrayEquals(new int[] {3_278, 3_329, 3_235}, data.labelCounts());
        assertEquals("The sisters are hugging goodbye while holding to go packages after just eating lunch.",
                data.pair(0));

        DataSet enc = DataSetEncoder.encode(data, tok, 128);
        Batch first = new Batcher(enc, BatchOptions.evaluation(4)).batch(0, 0);
        ModelInput in = first.input();
        int[] ids = enc.inputIds(0);
        int sep = -1;
        for (int j = 0; j < ids.length; j++) {
            if (ids[j] == tok.sepId()) {
                sep = j;
                break;
            }
        }
        assertTrue(sep > 0);
        for (int j = 0; j < ids.length; j++) {
            assertEquals(j <= sep ? 0 : 1, in.tokenTypeIds()[j], "token " + j);
        }
        assertEquals("two women are embracing while holding to go packages. the sisters are hugging goodbye while "
                + "holding to go packages after just eating lunch.", tok.decode(ids, true));
        assertArrayEquals(new int[] {2, 1, 0, 1}, ((Labels.Classes) first.labels()).values(),
                "neutral, entailment, contradiction, entailment");
        DataSummary summary = DataSummary.of(data);
        assertTrue(summary.describe().getFirst().endsWith(
                "9842 rows, single_label_classification (contradiction: 3278, entailment: 3329, neutral: 3235)"),
                summary.describe().getFirst());
    }
}
