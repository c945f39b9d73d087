package dev.jbert.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The reference used Python's Unicode 14.0; this JDK's {@link Character#getType(int)} may know a
 * newer version. Nothing is special-cased for that. Instead, this test finds the golden lines whose
 * result differs and that a category difference explains: flipping one code point's treatment
 * (deleting it where the JDK keeps it, as Python drops an unassigned code point; or replacing it by
 * an assigned symbol where the JDK drops it) reproduces the golden result. It prints them, and the
 * golden tests assert that their mismatches are exactly these lines.
 */
class UnicodeVersionTest {
    private static final int ASSIGNED_SYMBOL = 0x2603; // ☃, So in every version, not in BERT's vocabulary

    /** Ids of {@code singles.jsonl} lines that differ in {@code mode} and that a category difference explains. */
    static List<Integer> explainedSingles(String mode) {
        return new ArrayList<>(explainSingles(mode).keySet());
    }

    /** Ids of {@code pairs.jsonl} lines that differ under {@code strategy} and that a category difference explains. */
    static List<Integer> explainedPairs(String strategy) {
        return new ArrayList<>(explainPairs(strategy).keySet());
    }

    private static Map<Integer, String> explainSingles(String mode) {
        BertTokenizer t = mode.equals("uncased") ? Golden.uncased() : Golden.cased();
        Map<Integer, String> out = new TreeMap<>();
        for (JsonNode line : Golden.singles()) {
            String text = line.get("text").textValue();
            List<String> expected = Golden.strings(line.get(mode).get("tokens"));
            if (t.tokenize(text).equals(expected)) {
                continue;
            }
            for (int cp : nonAscii(text)) {
                if (t.tokenize(flip(text, cp)).equals(expected)) {
                    out.put(line.get("id").intValue(), describe(cp));
                    break;
                }
            }
        }
        return out;
    }

    private static Map<Integer, String> explainPairs(String strategy) {
        BertTokenizer t = Golden.uncased();
        EncodeOptions o = new EncodeOptions(32, EncodeOptions.Truncation.parse(strategy),
                EncodeOptions.Padding.MAX_LENGTH, true);
        Map<Integer, String> out = new TreeMap<>();
        for (JsonNode line : Golden.pairs()) {
            String a = line.get("text").textValue();
            String b = line.get("text_pair").textValue();
            int[] expected = Golden.ints(line.get(strategy).get("input_ids"));
            if (Arrays.equals(t.encode(a, b, o).inputIds(), expected)) {
                continue;
            }
            TreeSet<Integer> cps = new TreeSet<>(nonAscii(a));
            cps.addAll(nonAscii(b));
            for (int cp : cps) {
                if (Arrays.equals(t.encode(flip(a, cp), flip(b, cp), o).inputIds(), expected)) {
                    out.put(line.get("id").intValue(), describe(cp));
                    break;
                }
            }
        }
        return out;
    }

    private static TreeSet<Integer> nonAscii(String text) {
        TreeSet<Integer> cps = new TreeSet<>();
        text.codePoints().filter(c -> c >= 0x80).forEach(cps::add);
        return cps;
    }

    /** The text as the reference would have seen it if {@code cp}'s category class were the other one. */
    private static String flip(String text, int cp) {
        String target = new String(Character.toChars(cp));
        boolean droppedHere = (CharacterClasses.of(cp) & CharacterClasses.DROP) != 0;
        return text.replace(target, droppedHere ? new String(Character.toChars(ASSIGNED_SYMBOL)) : "");
    }

    private static String describe(int cp) {
        return String.format("U+%04X (JDK category %d)", cp, Character.getType(cp));
    }

    @Test
    void reportCategoryDifferences() {
        int total = 0;
        for (String mode : List.of("uncased", "cased")) {
            Map<Integer, String> lines = explainSingles(mode);
            total += lines.size();
            System.out.println("singles " + mode + ": lines touched by a Unicode category difference: " + lines.size()
                    + (lines.isEmpty() ? "" : " " + lines));
        }
        for (String strategy : List.of("longest_first", "only_second")) {
            Map<Integer, String> lines = explainPairs(strategy);
            total += lines.size();
            System.out.println("pairs " + strategy + ": lines touched by a Unicode category difference: "
                    + lines.size() + (lines.isEmpty() ? "" : " " + lines));
        }
        System.out.println("JDK " + Runtime.version() + ": " + total + " golden results explained by a Unicode "
                + "version difference (the golden tests allow exactly these)");
        // the report itself must be self-consistent: an explained line is one that differs
        for (String mode : List.of("uncased", "cased")) {
            BertTokenizer t = mode.equals("uncased") ? Golden.uncased() : Golden.cased();
            for (int id : explainedSingles(mode)) {
                JsonNode line = Golden.singles().get(id);
                assertEquals(id, line.get("id").intValue(), "singles.jsonl: line " + id + " has another id");
                assertEquals(false, t.tokenize(line.get("text").textValue())
                        .equals(Golden.strings(line.get(mode).get("tokens"))), "line " + id + " should differ");
            }
        }
    }
}
