package dev.jbert.tokenizer;

import java.util.List;
import java.util.Objects;

/**
 * How a {@link BertTokenizer} normalises and splits text: the settings of Hugging Face's
 * {@code BertTokenizer} ({@code tokenizer_config.json}) and of its WordPiece model.
 *
 * @param lowercase               {@code do_lower_case}: lower-case the text (per character, as the slow
 *                                tokenizer does) and, unless {@code stripAccents} says otherwise, strip accents
 * @param stripAccents            {@code strip_accents}: {@code null} follows {@code lowercase} (HF's default),
 *                                {@code true}/{@code false} force it on or off
 * @param tokenizeChineseChars    {@code tokenize_chinese_chars}: put spaces around CJK ideographs
 * @param modelMaxLength          {@code model_max_length}; {@link #UNLIMITED} when the model names none
 * @param unkToken                {@code unk_token}, required in the vocabulary
 * @param clsToken                {@code cls_token}, required in the vocabulary
 * @param sepToken                {@code sep_token}, required in the vocabulary
 * @param padToken                {@code pad_token}, required in the vocabulary
 * @param maskToken               {@code mask_token}; may be {@code null} or absent from the vocabulary
 *                                (then {@link BertTokenizer#maskId()} is -1)
 * @param additionalSpecialTokens {@code additional_special_tokens}: also cut out of the text and skipped
 *                                by {@code decode(ids, true)}; each must be in the vocabulary
 * @param neverSplit              {@code never_split}: whole words kept as one token (id or [UNK])
 * @param cleanUpTokenizationSpaces {@code clean_up_tokenization_spaces}, used by {@code decode}
 * @param continuingSubwordPrefix WordPiece's continuation prefix, {@code ##}
 * @param maxInputCharsPerWord    words longer than this many code points become one [UNK] (100)
 */
public record TokenizerOptions(
        boolean lowercase,
        Boolean stripAccents,
        boolean tokenizeChineseChars,
        int modelMaxLength,
        String unkToken,
        String clsToken,
        String sepToken,
        String padToken,
        String maskToken,
        List<String> additionalSpecialTokens,
        List<String> neverSplit,
        boolean cleanUpTokenizationSpaces,
        String continuingSubwordPrefix,
        int maxInputCharsPerWord) {

    /** {@code model_max_length} of a tokenizer that names none (HF writes 1e30 for it). */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    public TokenizerOptions {
        Objects.requireNonNull(unkToken, "unkToken");
        Objects.requireNonNull(clsToken, "clsToken");
        Objects.requireNonNull(sepToken, "sepToken");
        Objects.requireNonNull(padToken, "padToken");
        Objects.requireNonNull(continuingSubwordPrefix, "continuingSubwordPrefix");
        additionalSpecialTokens = additionalSpecialTokens == null ? List.of() : List.copyOf(additionalSpecialTokens);
        neverSplit = neverSplit == null ? List.of() : List.copyOf(neverSplit);
        if (modelMaxLength <= 0) {
            throw new IllegalArgumentException("modelMaxLength must be positive, got " + modelMaxLength);
        }
        if (maxInputCharsPerWord <= 0) {
            throw new IllegalArgumentException("maxInputCharsPerWord must be positive, got " + maxInputCharsPerWord);
        }
    }

    /** What {@code BertTokenizer(vocab_file, do_lower_case=lowercase)} uses: BERT's special tokens, no length limit. */
    public static TokenizerOptions defaults(boolean lowercase) {
        return new TokenizerOptions(lowercase, null, true, UNLIMITED, "[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]",
                List.of(), List.of(), true, "##", 100);
    }

    /** Whether accents are stripped (NFD, then non-spacing marks dropped): {@code stripAccents}, else {@code lowercase}. */
    public boolean stripsAccents() {
        return stripAccents != null ? stripAccents : lowercase;
    }

    public TokenizerOptions withLowercase(boolean value) {
        return new TokenizerOptions(value, stripAccents, tokenizeChineseChars, modelMaxLength, unkToken, clsToken,
                sepToken, padToken, maskToken, additionalSpecialTokens, neverSplit, cleanUpTokenizationSpaces,
                continuingSubwordPrefix, maxInputCharsPerWord);
    }

    public TokenizerOptions withStripAccents(Boolean value) {
        return new TokenizerOptions(lowercase, value, tokenizeChineseChars, modelMaxLength, unkToken, clsToken,
                sepToken, padToken, maskToken, additionalSpecialTokens, neverSplit, cleanUpTokenizationSpaces,
                continuingSubwordPrefix, maxInputCharsPerWord);
    }

    public TokenizerOptions withTokenizeChineseChars(boolean value) {
        return new TokenizerOptions(lowercase, stripAccents, value, modelMaxLength, unkToken, clsToken,
                sepToken, padToken, maskToken, additionalSpecialTokens, neverSplit, cleanUpTokenizationSpaces,
                continuingSubwordPrefix, maxInputCharsPerWord);
    }

    public TokenizerOptions withModelMaxLength(int value) {
        return new TokenizerOptions(lowercase, stripAccents, tokenizeChineseChars, value, unkToken, clsToken,
                sepToken, padToken, maskToken, additionalSpecialTokens, neverSplit, cleanUpTokenizationSpaces,
                continuingSubwordPrefix, maxInputCharsPerWord);
    }

    /** The same options with other special tokens ({@code maskToken} may be null). */
    public TokenizerOptions withSpecialTokens(String unk, String cls, String sep, String pad, String mask,
                                              List<String> additional) {
        return new TokenizerOptions(lowercase, stripAccents, tokenizeChineseChars, modelMaxLength, unk, cls,
                sep, pad, mask, additional, neverSplit, cleanUpTokenizationSpaces,
                continuingSubwordPrefix, maxInputCharsPerWord);
    }

    public TokenizerOptions withNeverSplit(List<String> value) {
        return new TokenizerOptions(lowercase, stripAccents, tokenizeChineseChars, modelMaxLength, unkToken, clsToken,
                sepToken, padToken, maskToken, additionalSpecialTokens, value, cleanUpTokenizationSpaces,
                continuingSubwordPrefix, maxInputCharsPerWord);
    }

    public TokenizerOptions withCleanUpTokenizationSpaces(boolean value) {
        return new TokenizerOptions(lowercase, stripAccents, tokenizeChineseChars, modelMaxLength, unkToken, clsToken,
                sepToken, padToken, maskToken, additionalSpecialTokens, neverSplit, value,
                continuingSubwordPrefix, maxInputCharsPerWord);
    }

    public TokenizerOptions withWordPiece(String prefix, int maxChars) {
        return new TokenizerOptions(lowercase, stripAccents, tokenizeChineseChars, modelMaxLength, unkToken, clsToken,
                sepToken, padToken, maskToken, additionalSpecialTokens, neverSplit, cleanUpTokenizationSpaces,
                prefix, maxChars);
    }
}
