package dev.jbert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.tokenizer.EncodeOptions;
import dev.jbert.tokenizer.Encoding;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jbert tokenize} end to end, stdin to stdout, on a small vocabulary written here. */
class TokenizeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> VOCAB = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world",
            "un", "##believ", "##able", ",", ".", "!", "a", "b", "c", "café", "cafe");

    @TempDir
    Path tmp;

    record Run(int status, List<String> lines, String err) {
    }

    private Run run(String stdin, String... args) {
        InputStream oldIn = System.in;
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Cli.commandLine(new TokenizeCommand()).execute(args);
            String text = out.toString(StandardCharsets.UTF_8);
            List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n"));
            return new Run(status, lines, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setIn(oldIn);
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Path vocab() throws Exception {
        Path v = tmp.resolve("vocab.txt");
        Files.writeString(v, String.join("\n", VOCAB) + "\n");
        return v;
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    private static void assertSame(Encoding expected, JsonNode line) {
        List<String> tokens = new ArrayList<>();
        line.get("tokens").forEach(t -> tokens.add(t.textValue()));
        assertEquals(expected.tokens(), tokens);
        assertArrayEquals(expected.inputIds(), ints(line.get("input_ids")));
        assertArrayEquals(expected.tokenTypeIds(), ints(line.get("token_type_ids")));
        assertArrayEquals(expected.attentionMask(), ints(line.get("attention_mask")));
        for (int i = 0; i < expected.length(); i++) {
            assertArrayEquals(expected.offsets()[i], ints(line.get("offsets").get(i)), "offsets of token " + i);
        }
    }

    @Test
    void writesOneJsonLinePerInput() throws Exception {
        Path vocab = vocab();
        String stdin = "{\"text\": \"Hello, world!\"}\n"
                + "\n"
                + "{\"text\": \"unbelievable café\", \"text_pair\": \"a b c\", \"label\": 3}\n"
                + "{\"text\": \"CAFÉ\", \"text_pair\": null}\n";
        Run r = run(stdin, "--tokenizer", vocab.toString(), "--max-length", "6", "--truncation", "longest_first");
        assertEquals(0, r.status(), r.err());
        assertEquals(3, r.lines().size(), "blank lines are skipped");
        BertTokenizer t = BertTokenizer.fromVocab(vocab, true);
        EncodeOptions o = EncodeOptions.maxLength(6);
        assertSame(t.encode("Hello, world!", null, o), JSON.readTree(r.lines().get(0)));
        assertSame(t.encode("unbelievable café", "a b c", o), JSON.readTree(r.lines().get(1)));
        JsonNode third = JSON.readTree(r.lines().get(2));
        assertEquals(List.of("[CLS]", "cafe", "[SEP]"), List.of(third.get("tokens").get(0).textValue(),
                third.get("tokens").get(1).textValue(), third.get("tokens").get(2).textValue()));
        assertArrayEquals(new int[] {0, 4}, ints(third.get("offsets").get(1)));
    }

    @Test
    void lowercaseCanBeTurnedOff() throws Exception {
        Run r = run("{\"text\": \"Hello café\"}\n", "--tokenizer", vocab().toString(), "--lowercase", "false");
        assertEquals(0, r.status(), r.err());
        JsonNode line = JSON.readTree(r.lines().get(0));
        assertEquals("[UNK]", line.get("tokens").get(1).textValue());
        assertEquals("café", line.get("tokens").get(2).textValue());
    }

    @Test
    void paddingLongestPadsWithinEachBatchOf64() throws Exception {
        StringBuilder stdin = new StringBuilder();
        for (int i = 0; i < TokenizeCommand.BATCH; i++) {
            stdin.append("{\"text\": \"a\"}\n");
        }
        stdin.append("{\"text\": \"a b c a b c\"}\n{\"text\": \"b\"}\n");
        Run r = run(stdin.toString(), "--tokenizer", vocab().toString(), "--padding", "longest");
        assertEquals(0, r.status(), r.err());
        assertEquals(TokenizeCommand.BATCH + 2, r.lines().size());
        assertEquals(3, JSON.readTree(r.lines().get(0)).get("input_ids").size(), "first batch: all 'a', no padding");
        JsonNode last = JSON.readTree(r.lines().get(TokenizeCommand.BATCH + 1));
        assertArrayEquals(new int[] {2, 14, 3, 0, 0, 0, 0, 0}, ints(last.get("input_ids")),
                "second batch: padded to 'a b c a b c' (8 tokens)");
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 0, 0, 0}, ints(last.get("attention_mask")));
    }

    @Test
    void malformedLineFailsWithItsNumberAfterWritingTheLinesBefore() throws Exception {
        String stdin = "{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"txt\": \"c\"}\n{\"text\": \"a\"}\n";
        Run r = run(stdin, "--tokenizer", vocab().toString());
        assertEquals(Cli.USER_ERROR, r.status());
        assertEquals(2, r.lines().size(), "the two good lines are written before the failure");
        assertTrue(r.err().contains("stdin line 3: field 'text'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());

        Run notJson = run("{\"text\": \"a\"}\nnot json\n", "--tokenizer", vocab().toString());
        assertEquals(Cli.USER_ERROR, notJson.status());
        assertTrue(notJson.err().contains("stdin line 2: not valid JSON"), notJson.err());

        Run badPair = run("{\"text\": \"a\", \"text_pair\": 5}\n", "--tokenizer", vocab().toString());
        assertEquals(Cli.USER_ERROR, badPair.status());
        assertTrue(badPair.err().contains("stdin line 1: field 'text_pair'"), badPair.err());
    }

    @Test
    void badTokenizerOrFlagIsAUserError() throws Exception {
        Run missing = run("", "--tokenizer", tmp.resolve("nope").toString());
        assertEquals(Cli.USER_ERROR, missing.status());
        assertTrue(missing.err().contains("nope") && !missing.err().contains("\tat "), missing.err());

        Run truncation = run("", "--tokenizer", vocab().toString(), "--truncation", "shortest");
        assertEquals(Cli.USER_ERROR, truncation.status());
        assertTrue(truncation.err().contains("'shortest'"), truncation.err());

        Path noUnk = Files.writeString(tmp.resolve("bad.txt"), "[PAD]\n[CLS]\n[SEP]\n");
        Run vocab = run("", "--tokenizer", noUnk.toString());
        assertEquals(Cli.USER_ERROR, vocab.status());
        assertTrue(vocab.err().contains("[UNK]"), vocab.err());
    }
}
