package dev.jbert.tokenizer;

import java.util.Set;

/**
 * Ids back to text, as the slow tokenizer's {@code decode}: ids to tokens (an unknown id becomes
 * the unknown token, as {@code ids_to_tokens.get(id, unk_token)}), special tokens skipped on request,
 * tokens joined with spaces, {@code " ##"} removed, surrounding whitespace stripped, then
 * {@code clean_up_tokenization}: {@code " ."} → {@code "."}, {@code " ?"}, {@code " !"}, {@code " ,"},
 * {@code " ' "} → {@code "'"}, {@code " n't"}, {@code " 'm"}, {@code " 's"}, {@code " 've"}, {@code " 're"}.
 */
final class WordPieceDecoder {
    private final Vocabulary vocab;
    private final Set<String> specialTokens;
    private final String unkToken;
    private final String joinedPrefix;
    private final boolean cleanUp;

    WordPieceDecoder(Vocabulary vocab, Set<String> specialTokens, String unkToken, String prefix, boolean cleanUp) {
        this.vocab = vocab;
        this.specialTokens = Set.copyOf(specialTokens);
        this.unkToken = unkToken;
        this.joinedPrefix = " " + prefix;
        this.cleanUp = cleanUp;
    }

    String decode(int[] ids, boolean skipSpecialTokens) {
        StringBuilder joined = new StringBuilder(ids.length * 6);
        boolean first = true;
        for (int id : ids) {
            String token = id >= 0 && id < vocab.size() ? vocab.token(id) : unkToken;
            if (skipSpecialTokens && specialTokens.contains(token)) {
                continue;
            }
            if (!first) {
                joined.append(' ');
            }
            joined.append(token);
            first = false;
        }
        String text = strip(joined.toString().replace(joinedPrefix, ""));
        return cleanUp ? cleanUpTokenization(text) : text;
    }

    /** HF's {@code clean_up_tokenization}. */
    static String cleanUpTokenization(String text) {
        return text.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" 's", "'s")
                .replace(" 've", "'ve").replace(" 're", "'re");
    }

    /** Python's {@code str.strip()}: whitespace as {@code str.isspace} knows it. */
    static String strip(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && isPythonSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && isPythonSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    private static boolean isPythonSpace(char c) {
        return (c >= 9 && c <= 13) || (c >= 28 && c <= 32) || c == 0x85 || c == 0x2028 || c == 0x2029
                || Character.getType(c) == Character.SPACE_SEPARATOR;
    }
}
