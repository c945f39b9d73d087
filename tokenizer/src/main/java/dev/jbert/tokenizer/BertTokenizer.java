package dev.jbert.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * BERT's WordPiece tokenizer, identical to Hugging Face's slow (pure Python) {@code BertTokenizer}:
 * same tokens, same ids, same truncation and padding, same {@code decode} and {@code save_pretrained}
 * files. Offsets (which the slow tokenizer cannot give) follow the fast tokenizer's, in UTF-16 units,
 * except that a combining mark belongs to the token of the character it combines with.
 *
 * <p>Immutable and thread-safe; each thread keeps its own scratch buffers. The rules it follows are
 * listed on {@link TextEncoder}; differences from the reference that remain by design:
 * <ul>
 * <li>Unicode categories come from the JDK ({@link Character#getType(int)}), whose Unicode version
 *     may be newer than Python's: a code point assigned since is kept (usually as [UNK]) where Python
 *     drops it as unassigned.</li>
 * <li>Invalid UTF-16: an unpaired surrogate is a character of category {@code Cs}, so cleaning drops
 *     it, as the slow tokenizer drops a lone surrogate in a Python {@code str}. No exception.</li>
 * <li>Special tokens are found in the original text (leftmost, longest); HF finds them after
 *     lower-casing, which differs only for special tokens without upper-case letters (handled: they
 *     also match text that lower-cases to them).</li>
 * <li>A {@code mask_token} that is not in the vocabulary is not a special token ({@link #maskId()}
 *     is -1); HF would append it to the vocabulary.</li>
 * </ul>
 */
public final class BertTokenizer {
    private final Vocabulary vocab;
    private final TokenizerOptions options;
    private final int unkId;
    private final int clsId;
    private final int sepId;
    private final int padId;
    private final int maskId;
    private final List<String> specialTokens;
    private final TextEncoder encoder;
    private final EncodingAssembler assembler;
    private final WordPieceDecoder decoder;

    private BertTokenizer(Vocabulary vocab, TokenizerOptions options, String source) {
        this.vocab = vocab;
        this.options = options;
        this.unkId = required(vocab, options.unkToken(), "unk_token", source);
        this.clsId = required(vocab, options.clsToken(), "cls_token", source);
        this.sepId = required(vocab, options.sepToken(), "sep_token", source);
        this.padId = required(vocab, options.padToken(), "pad_token", source);
        this.maskId = options.maskToken() == null ? -1 : vocab.id(options.maskToken());
        Set<String> specials = new LinkedHashSet<>(List.of(options.unkToken(), options.sepToken(), options.padToken(),
                options.clsToken()));
        if (maskId >= 0) {
            specials.add(options.maskToken());
        }
        for (String extra : options.additionalSpecialTokens()) {
            required(vocab, extra, "additional_special_tokens", source);
            specials.add(extra);
        }
        this.specialTokens = List.copyOf(specials);
        this.encoder = new TextEncoder(vocab, options, specialTokens, unkId);
        this.assembler = new EncodingAssembler(vocab, clsId, sepId, padId);
        this.decoder = new WordPieceDecoder(vocab, specials, options.unkToken(), options.continuingSubwordPrefix(),
                options.cleanUpTokenizationSpaces());
    }

    private static int required(Vocabulary vocab, String token, String field, String source) {
        int id = vocab.id(token);
        if (id < 0) {
            String hint = vocab.token(0).startsWith("\uFEFF") ? " (the file starts with a byte-order mark)" : "";
            throw new TokenizerException(source + ": the vocabulary has no " + field + " \"" + token
                    + "\": expected it on a line of its own, found " + vocab.size() + " tokens without it" + hint);
        }
        return id;
    }

    // ---------------------------------------------------------------- loading

    /**
     * From a {@code vocab.txt} and nothing else, as {@code BertTokenizer(vocab_file, do_lower_case=lowercase)}:
     * BERT's special tokens, accents stripped when lower-casing, CJK split, no length limit.
     */
    public static BertTokenizer fromVocab(Path vocabFile, boolean lowercase) {
        return fromVocab(vocabFile, TokenizerOptions.defaults(lowercase));
    }

    /** From a {@code vocab.txt} with the given options. */
    public static BertTokenizer fromVocab(Path vocabFile, TokenizerOptions options) {
        List<String> tokens = VocabFile.read(vocabFile);
        return new BertTokenizer(Vocabulary.of(tokens, options.continuingSubwordPrefix()), options,
                vocabFile.toString());
    }

    /** From tokens in id order. */
    public static BertTokenizer fromVocab(List<String> tokens, TokenizerOptions options) {
        return new BertTokenizer(Vocabulary.of(tokens, options.continuingSubwordPrefix()), options, "vocabulary");
    }

    /** From a Hugging Face {@code tokenizer.json} (see {@link TokenizerJsonFile} for what is accepted). */
    public static BertTokenizer fromTokenizerJson(Path file) {
        TokenizerJsonFile.Contents c = TokenizerJsonFile.read(file);
        return new BertTokenizer(Vocabulary.of(c.vocab(), c.options().continuingSubwordPrefix()), c.options(),
                file.toString());
    }

    /**
     * From a model folder or a file. A folder: {@code vocab.txt} (with {@code tokenizer_config.json}
     * and {@code special_tokens_map.json} when present) is preferred, else {@code tokenizer.json} (the
     * config files, when present, override its settings, as {@code BertTokenizerFast} does). A file:
     * {@code *.json} is read as {@code tokenizer.json} ({@code tokenizer_config.json} stands for its
     * folder), anything else as {@code vocab.txt} with lower-casing on.
     */
    public static BertTokenizer fromPath(Path path) {
        Objects.requireNonNull(path, "path");
        if (Files.isDirectory(path)) {
            Path vocabFile = path.resolve("vocab.txt");
            Path json = path.resolve("tokenizer.json");
            if (Files.isRegularFile(vocabFile)) {
                TokenizerOptions o = TokenizerConfigFile.read(path, TokenizerOptions.defaults(true));
                return fromVocab(vocabFile, o);
            }
            if (Files.isRegularFile(json)) {
                TokenizerJsonFile.Contents c = TokenizerJsonFile.read(json);
                TokenizerOptions o = TokenizerConfigFile.read(path, c.options());
                return new BertTokenizer(Vocabulary.of(c.vocab(), o.continuingSubwordPrefix()), o, json.toString());
            }
            throw new TokenizerException(path + ": no tokenizer in this folder: expected vocab.txt or tokenizer.json");
        }
        if (!Files.exists(path)) {
            throw new TokenizerException(path + ": no such file or folder");
        }
        String name = path.getFileName().toString();
        if (name.equals(TokenizerConfigFile.CONFIG) || name.equals(TokenizerConfigFile.SPECIAL_TOKENS_MAP)) {
            return fromPath(path.toAbsolutePath().getParent());
        }
        if (name.endsWith(".json")) {
            return fromTokenizerJson(path);
        }
        return fromVocab(path, true);
    }

    /** The same vocabulary with other options. */
    public BertTokenizer withOptions(TokenizerOptions newOptions) {
        return new BertTokenizer(vocab, newOptions, "vocabulary");
    }

    /** The same tokenizer with lower-casing (and, unless {@code strip_accents} is set, accent stripping) on or off. */
    public BertTokenizer withLowercase(boolean lowercase) {
        return lowercase == options.lowercase() ? this : withOptions(options.withLowercase(lowercase));
    }

    // ---------------------------------------------------------------- tokenizing

    /** {@code tokenizer.tokenize(text)}: the WordPiece tokens, no special tokens added. */
    public List<String> tokenize(String text) {
        Objects.requireNonNull(text, "text");
        Workspace ws = encoder.workspace();
        TokenList list = ws.first;
        list.clear();
        try {
            encoder.encode(text, list, ws);
            String[] tokens = new String[list.size];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = list.token(i, vocab);
            }
            return Collections.unmodifiableList(Arrays.asList(tokens));
        } finally {
            ws.trim();
        }
    }

    /** The ids of {@link #tokenize(String)}. */
    public int[] ids(String text) {
        Objects.requireNonNull(text, "text");
        Workspace ws = encoder.workspace();
        TokenList list = ws.first;
        list.clear();
        try {
            encoder.encode(text, list, ws);
            return Arrays.copyOf(list.ids, list.size);
        } finally {
            ws.trim();
        }
    }

    /**
     * The words before WordPiece, as BERT's {@code BasicTokenizer} gives them (special tokens typed in
     * the text included): normalised, split on whitespace and punctuation.
     */
    public List<String> basicTokenize(String text) {
        Objects.requireNonNull(text, "text");
        return Collections.unmodifiableList(encoder.basicTokenize(text));
    }

    /** {@code tokenizer(text)}: {@code [CLS] text [SEP]}, no limit, no padding. */
    public Encoding encode(String text) {
        return encode(text, null, EncodeOptions.defaults());
    }

    /**
     * {@code tokenizer(text, text_pair, ...)} with the slow tokenizer's truncation: see
     * {@link EncodeOptions.Truncation} (notably {@code ONLY_SECOND} when the first text alone does not
     * fit: untruncated, unpadded, {@code overflow} set). An empty {@code pair} is a pair
     * ({@code [CLS] a [SEP] [SEP]}), {@code null} is none.
     */
    public Encoding encode(String text, String pair, EncodeOptions opts) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(opts, "opts");
        Workspace ws = encoder.workspace();
        try {
            TokenList first = ws.first;
            first.clear();
            encoder.encode(text, first, ws);
            TokenList second = null;
            if (pair != null) {
                second = ws.second;
                second.clear();
                encoder.encode(pair, second, ws);
            }
            return assembler.assemble(first, second, opts);
        } finally {
            ws.trim();
        }
    }

    /**
     * Many texts (and pairs, when {@code pairs} is not null: same size; a null entry means no pair for
     * that text) at once, spread over the
     * common fork-join pool; the result equals encoding them one by one, in order. With
     * {@link EncodeOptions.Padding#LONGEST} every encoding is padded to the longest of the batch.
     * One difference from one by one, as in HF: an empty encoding (empty text without special
     * tokens) is padded in a batch, while {@link #encode} leaves it empty (HF's {@code pad} returns
     * early for a single empty sequence).
     */
    public List<Encoding> encodeBatch(List<String> texts, List<String> pairs, EncodeOptions opts) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(opts, "opts");
        int n = texts.size();
        if (pairs != null && pairs.size() != n) {
            throw new IllegalArgumentException("encodeBatch: expected as many pairs as texts (" + n + "), found "
                    + pairs.size());
        }
        for (int i = 0; i < n; i++) {
            if (texts.get(i) == null) {
                throw new IllegalArgumentException("encodeBatch: texts[" + i + "] is null");
            }
        }
        EncodeOptions each = opts.padding() == EncodeOptions.Padding.LONGEST
                ? opts.withPadding(EncodeOptions.Padding.NONE) : opts;
        Encoding[] out = new Encoding[n];
        IntStream indices = IntStream.range(0, n);
        if (n >= 8) {
            indices = indices.parallel();
        }
        indices.forEach(i -> out[i] = encode(texts.get(i), pairs == null ? null : pairs.get(i), each));
        if (opts.padding() == EncodeOptions.Padding.MAX_LENGTH && opts.maxLength() > 0) {
            for (int i = 0; i < n; i++) {
                if (out[i].length() == 0) {
                    out[i] = assembler.pad(out[i], opts.maxLength());
                }
            }
        }
        if (opts.padding() == EncodeOptions.Padding.LONGEST) {
            int longest = 0;
            for (Encoding e : out) {
                longest = Math.max(longest, e.length());
            }
            for (int i = 0; i < n; i++) {
                out[i] = assembler.pad(out[i], longest);
            }
        }
        return List.of(out);
    }

    /** {@code tokenizer.decode(ids, skip_special_tokens=...)}; see {@link WordPieceDecoder}. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        Objects.requireNonNull(ids, "ids");
        return decoder.decode(ids, skipSpecialTokens);
    }

    // ---------------------------------------------------------------- saving

    /**
     * Writes {@code vocab.txt}, {@code tokenizer_config.json} and {@code special_tokens_map.json} into
     * {@code dir} (created if needed) as {@code save_pretrained} does; each file is written to a
     * temporary file first, then renamed over the old one.
     */
    public void saveVocabulary(Path dir) {
        for (int id = 0; id < vocab.size(); id++) {
            String t = vocab.token(id);
            if (t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
                throw new TokenizerException("cannot save token " + id + " to vocab.txt: it contains a line break");
            }
        }
        VocabFile.write(dir.resolve("vocab.txt"), vocab);
        TokenizerConfigFile.write(dir, options, vocab);
    }

    // ---------------------------------------------------------------- accessors

    public Vocabulary vocab() {
        return vocab;
    }

    public TokenizerOptions options() {
        return options;
    }

    /** The special tokens cut out of text and skipped by {@code decode(ids, true)}: unk, sep, pad, cls, mask, additional. */
    public List<String> specialTokens() {
        return specialTokens;
    }

    public int padId() {
        return padId;
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int unkId() {
        return unkId;
    }

    /** The mask token's id, or -1 when the vocabulary has none. */
    public int maskId() {
        return maskId;
    }

    public boolean lowercase() {
        return options.lowercase();
    }

    /** {@code model_max_length}; {@link TokenizerOptions#UNLIMITED} when the model names none. */
    public int modelMaxLength() {
        return options.modelMaxLength();
    }

    @Override
    public String toString() {
        return "BertTokenizer[vocab=" + vocab.size() + ", lowercase=" + options.lowercase()
                + ", stripAccents=" + options.stripsAccents() + ", modelMaxLength=" + options.modelMaxLength() + "]";
    }
}
