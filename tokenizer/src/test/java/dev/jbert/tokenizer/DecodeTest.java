package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code decode} as the slow tokenizer: tokens joined with spaces, {@code " ##"} removed,
 * {@code clean_up_tokenization_spaces}; and the round trip: for a text without [UNK],
 * {@code decode(encode(x))} is the basic tokenizer's words of {@code x} joined with spaces, cleaned up.
 */
class DecodeTest {

    private static BertTokenizer small(boolean cleanUp) {
        List<String> vocab = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ",", ".", "'",
                "don", "t", "s", "un", "##believ", "##able", "?", "!");
        return BertTokenizer.fromVocab(vocab, TokenizerOptions.defaults(true).withCleanUpTokenizationSpaces(cleanUp));
    }

    @Test
    void joinsPiecesAndCleansUpLikeHuggingFace() {
        BertTokenizer t = small(true);
        int[] ids = t.encode("Hello, world. Don't unbelievable?!").inputIds();
        assertEquals("[CLS] hello, world. don't unbelievable?! [SEP]", t.decode(ids, false));
        assertEquals("hello, world. don't unbelievable?!", t.decode(ids, true));
        BertTokenizer raw = small(false);
        assertEquals("hello , world . don ' t unbelievable ? !", raw.decode(ids, true));
    }

    @Test
    void unknownIdsDecodeAsTheUnknownToken() {
        BertTokenizer t = small(true);
        assertEquals("hello [UNK] [UNK] world", t.decode(new int[] {5, 999, -1, 6}, false));
        assertEquals("hello world", t.decode(new int[] {5, 999, 6, 0, 0}, true));
        assertEquals("", t.decode(new int[0], true));
    }

    @Test
    void roundTripOnGoldenTexts() {
        int checked = 0;
        for (BertTokenizer t : List.of(Golden.uncased(), Golden.cased())) {
            for (JsonNode line : Golden.singles()) {
                checked += roundTrip(t, line.get("text").textValue()) ? 1 : 0;
            }
        }
        System.out.println("decode round trip: " + checked + " golden texts without [UNK]");
        assertTrue(checked > 2000);
    }

    @Test
    void roundTripOnRandomTexts() {
        RandomText random = new RandomText(7);
        int checked = 0;
        for (int i = 0; i < 3000; i++) {
            String text = random.next();
            checked += roundTrip(Golden.uncased(), text) ? 1 : 0;
            checked += roundTrip(Golden.cased(), text) ? 1 : 0;
        }
        System.out.println("decode round trip: " + checked + " random texts without [UNK]");
        assertTrue(checked > 500);
    }

    private static boolean roundTrip(BertTokenizer t, String text) {
        int[] ids = t.ids(text);
        for (int id : ids) {
            if (id == t.unkId()) {
                return false;
            }
        }
        String expected = WordPieceDecoder.cleanUpTokenization(String.join(" ", t.basicTokenize(text)));
        assertEquals(expected, t.decode(ids, false), () -> "decode(ids(" + OffsetsPropertyTest.escape(text) + "))");
        return true;
    }
}
