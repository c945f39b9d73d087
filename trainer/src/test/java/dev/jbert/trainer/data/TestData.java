package dev.jbert.trainer.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jbert.cli.UserException;
import dev.jbert.tokenizer.BertTokenizer;
import dev.jbert.tokenizer.TokenizerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** Small files and a tiny tokenizer for the data tests. */
final class TestData {
    private TestData() {
    }

    static Path write(Path dir, String name, String content) {
        return writeBytes(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path writeBytes(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A lower-casing WordPiece tokenizer over a few words; [PAD] is id 0. */
    static BertTokenizer tokenizer() {
        List<String> vocab = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "the", "cat", "dog", "sat",
                "on", "mat", "good", "bad", "movie", "very", "is", "it", "not", ",", ".", "!", "##s", "red", "blue",
                "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten");
        return BertTokenizer.fromVocab(vocab, TokenizerOptions.defaults(true));
    }

    /** Asserts that running this raises a user error whose message contains each part. */
    static UserException fails(Executable run, String... parts) {
        UserException e = assertThrows(UserException.class, run);
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "expected '" + p + "' in: " + e.getMessage());
        }
        return e;
    }

    static DataSet read(Path file) {
        return DataSets.read(file, DataSpec.defaults(), KnownLabels.none());
    }

    static DataSet read(Path file, DataSpec spec) {
        return DataSets.read(file, spec, KnownLabels.none());
    }

    static String[] texts(DataSet d) {
        String[] t = new String[d.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = d.text(i);
        }
        return t;
    }

    static long[] lines(DataSet d) {
        long[] l = new long[d.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = d.line(i);
        }
        return l;
    }

    static int[] classes(DataSet d) {
        int[] c = new int[d.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = d.classOf(i);
        }
        return c;
    }
}
