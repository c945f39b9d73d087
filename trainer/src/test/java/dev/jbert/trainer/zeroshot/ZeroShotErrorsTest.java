package dev.jbert.trainer.zeroshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad models, labels and templates give one clear line on stderr and exit status 2. */
class ZeroShotErrorsTest {
    @TempDir
    static Path tmp;
    static Path nli;

    @BeforeAll
    static void setUp() throws Exception {
        nli = ZeroShotFixtures.nliModel(tmp.resolve("nli"));
    }

    private static String fails(String... args) {
        ZeroShotFixtures.Run r = ZeroShotFixtures.zeroShot(args);
        assertEquals(2, r.status(), "expected a user error, got: " + r.out() + r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().filter(l -> !l.isBlank()).count(), r.err());
        assertTrue(r.err().startsWith("jbert: "), r.err());
        return r.err();
    }

    @Test
    void aModelWithoutAnEntailmentLabelIsRefused() throws Exception {
        Path plain = ZeroShotFixtures.model(tmp.resolve("plain"), "LABEL_0", "LABEL_1", "LABEL_2");
        String err = fails("--model", plain.toString(), "--text", "the team won", "--labels", "sports,politics");
        assertTrue(err.contains("name no entailment") && err.contains("[LABEL_0, LABEL_1, LABEL_2]"), err);
        assertTrue(err.contains("config.json"), err);
    }

    @Test
    void multiLabelNeedsAContradictionLabel() throws Exception {
        Path odd = ZeroShotFixtures.model(tmp.resolve("odd"), "entailment", "neutral", "other");
        String err = fails("--model", odd.toString(), "--text", "the team won", "--labels", "sports,politics",
                "--multi-label");
        assertTrue(err.contains("name no contradiction"), err);
        // single-label needs entailment only
        ZeroShotFixtures.Run r = ZeroShotFixtures.zeroShot("--model", odd.toString(), "--text", "the team won",
                "--labels", "sports,politics");
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void badLabelsAreRefused() {
        assertTrue(fails("--model", nli.toString(), "--text", "x", "--labels", "sports,,politics")
                .contains("label 2 of 3 is empty"));
        assertTrue(fails("--model", nli.toString(), "--text", "x", "--labels", "sports, politics,sports")
                .contains("'sports' is given twice"));
        assertTrue(fails("--model", nli.toString(), "--text", "x", "--labels", " ").contains("--labels"));
    }

    @Test
    void badTemplatesAreRefused() {
        assertTrue(fails("--model", nli.toString(), "--text", "x", "--labels", "a,b", "--template", "This example.")
                .contains("has no {}"));
        assertTrue(fails("--model", nli.toString(), "--text", "x", "--labels", "a,b", "--template", "{} and {}")
                .contains("more than one {}"));
        assertTrue(fails("--model", nli.toString(), "--text", "x", "--labels", "a,b", "--template", "about {topic}")
                .contains("{topic}"));
    }

    @Test
    void badInputsAreRefused() {
        assertTrue(fails("--model", nli.toString(), "--text", "", "--labels", "a,b").contains("empty text"));
        assertTrue(fails("--model", tmp.resolve("none").toString(), "--text", "x", "--labels", "a,b")
                .contains("not a model folder"));
        assertTrue(fails("--model", nli.toString(), "--input", tmp.resolve("none.csv").toString(), "--labels", "a,b")
                .contains("none.csv"));
        assertTrue(fails("--model", nli.toString(), "--text", "x", "--labels", "a,b", "--max-length", "1000")
                .contains("--max-length"));
    }
}
