package dev.jbert.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} of the BERT kind: a {@code WordPiece} model, a
 * {@code BertNormalizer} (with {@code clean_text}), a {@code BertPreTokenizer}, a
 * {@code TemplateProcessing} or {@code BertProcessing} post-processor adding {@code [CLS] A [SEP]}
 * and {@code [CLS] A [SEP] B [SEP]}, a {@code WordPiece} decoder or none, and special added tokens
 * that are in the vocabulary. Anything else is refused with the field that differs.
 *
 * <p>The file's {@code truncation} and {@code padding} sections are ignored (they are defaults of the
 * fast tokenizer's own {@code encode}; here {@link EncodeOptions} says). The text is tokenized as the
 * slow {@code BertTokenizer} does with these settings.
 */
final class TokenizerJsonFile {
    /** What the file holds: the vocabulary in id order and the options. */
    record Contents(List<String> vocab, TokenizerOptions options) {
    }

    private TokenizerJsonFile() {
    }

    static Contents read(Path file) {
        JsonNode root = JsonFiles.read(file);

        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw new TokenizerException(file + ": field 'model': expected an object, found " + JsonFiles.kind(model));
        }
        String type = JsonFiles.string(model, "type", file, "model.");
        if (!type.equals("WordPiece")) {
            throw new TokenizerException(file + ": field 'model.type': expected \"WordPiece\", found \"" + type + "\"");
        }
        String unk = JsonFiles.string(model, "unk_token", file, "model.");
        String prefix = model.has("continuing_subword_prefix")
                ? JsonFiles.string(model, "continuing_subword_prefix", file, "model.") : "##";
        int maxChars = 100;
        JsonNode mc = model.get("max_input_chars_per_word");
        if (mc != null && !mc.isNull()) {
            if (!mc.canConvertToInt() || mc.intValue() <= 0) {
                throw new TokenizerException(file + ": field 'model.max_input_chars_per_word': expected a positive "
                        + "integer, found " + JsonFiles.kind(mc));
            }
            maxChars = mc.intValue();
        }
        List<String> vocab = vocab(model.path("vocab"), file);

        TokenizerOptions o = TokenizerOptions.defaults(true);
        JsonNode normalizer = root.path("normalizer");
        String ntype = normalizer.isObject() ? normalizer.path("type").asText("") : "";
        if (!ntype.equals("BertNormalizer")) {
            throw new TokenizerException(file + ": field 'normalizer': expected a BertNormalizer, found "
                    + (ntype.isEmpty() ? JsonFiles.kind(normalizer) : "type \"" + ntype + "\""));
        }
        if (!JsonFiles.bool(normalizer, "clean_text", file, "normalizer.", true)) {
            throw new TokenizerException(file + ": field 'normalizer.clean_text': only true is supported, found false");
        }
        o = o.withLowercase(JsonFiles.bool(normalizer, "lowercase", file, "normalizer.", true))
                .withStripAccents(JsonFiles.nullableBool(normalizer, "strip_accents", file, "normalizer.", null))
                .withTokenizeChineseChars(JsonFiles.bool(normalizer, "handle_chinese_chars", file, "normalizer.", true));

        JsonNode pre = root.path("pre_tokenizer");
        String ptype = pre.isObject() ? pre.path("type").asText("") : "";
        if (!ptype.equals("BertPreTokenizer")) {
            throw new TokenizerException(file + ": field 'pre_tokenizer': expected a BertPreTokenizer, found "
                    + (ptype.isEmpty() ? JsonFiles.kind(pre) : "type \"" + ptype + "\""));
        }

        String[] clsSep = postProcessor(root.path("post_processor"), file);

        JsonNode decoder = root.path("decoder");
        boolean cleanup = true;
        if (!decoder.isMissingNode() && !decoder.isNull()) {
            String dtype = decoder.path("type").asText("");
            if (!dtype.equals("WordPiece")) {
                throw new TokenizerException(file + ": field 'decoder.type': expected \"WordPiece\", found "
                        + JsonFiles.kind(decoder.path("type")));
            }
            cleanup = JsonFiles.bool(decoder, "cleanup", file, "decoder.", true);
            if (decoder.has("prefix") && !JsonFiles.string(decoder, "prefix", file, "decoder.").equals(prefix)) {
                throw new TokenizerException(file + ": field 'decoder.prefix': expected the model's continuing "
                        + "prefix \"" + prefix + "\", found " + decoder.get("prefix"));
            }
        }
        o = o.withCleanUpTokenizationSpaces(cleanup).withWordPiece(prefix, maxChars);

        List<String> addedSpecials = addedTokens(root.path("added_tokens"), vocab, file);
        String pad = "[PAD]";
        JsonNode padding = root.path("padding");
        if (padding.isObject() && padding.path("pad_token").isTextual()) {
            pad = padding.get("pad_token").textValue();
        }
        String mask = addedSpecials.contains("[MASK]") || vocab.contains("[MASK]") ? "[MASK]" : null;
        List<String> additional = new ArrayList<>();
        for (String s : addedSpecials) {
            if (!List.of(unk, clsSep[0], clsSep[1], pad).contains(s) && !s.equals(mask)) {
                additional.add(s);
            }
        }
        o = o.withSpecialTokens(unk, clsSep[0], clsSep[1], pad, mask, additional);
        return new Contents(vocab, o);
    }

    private static List<String> vocab(JsonNode v, Path file) {
        if (!v.isObject()) {
            throw new TokenizerException(file + ": field 'model.vocab': expected an object {token: id}, found "
                    + JsonFiles.kind(v));
        }
        if (v.isEmpty()) {
            throw new TokenizerException(file + ": field 'model.vocab': vocabulary is empty");
        }
        String[] tokens = new String[v.size()];
        for (Map.Entry<String, JsonNode> e : v.properties()) {
            JsonNode id = e.getValue();
            if (!id.canConvertToInt() || !id.isIntegralNumber()) {
                throw new TokenizerException(file + ": field 'model.vocab." + e.getKey() + "': expected an integer id, "
                        + "found " + JsonFiles.kind(id));
            }
            int i = id.intValue();
            if (i < 0 || i >= tokens.length) {
                throw new TokenizerException(file + ": field 'model.vocab." + e.getKey() + "': expected an id in [0, "
                        + tokens.length + "), found " + i);
            }
            if (tokens[i] != null) {
                throw new TokenizerException(file + ": field 'model.vocab': id " + i + " is given to both \""
                        + tokens[i] + "\" and \"" + e.getKey() + "\"");
            }
            tokens[i] = e.getKey();
        }
        return Arrays.asList(tokens);
    }

    /** {@code {cls, sep}} from a BERT-shaped post-processor. */
    private static String[] postProcessor(JsonNode p, Path file) {
        String type = p.isObject() ? p.path("type").asText("") : "";
        switch (type) {
            case "BertProcessing" -> {
                return new String[] {pairToken(p, "cls", file), pairToken(p, "sep", file)};
            }
            case "TemplateProcessing" -> {
                String[] single = template(p.path("single"), file, "post_processor.single", false);
                String[] pair = template(p.path("pair"), file, "post_processor.pair", true);
                if (!single[0].equals(pair[0]) || !single[1].equals(pair[1])) {
                    throw new TokenizerException(file + ": field 'post_processor.pair': expected the special tokens of "
                            + "'single' (" + single[0] + ", " + single[1] + "), found " + pair[0] + ", " + pair[1]);
                }
                return single;
            }
            default -> throw new TokenizerException(file + ": field 'post_processor': expected TemplateProcessing or "
                    + "BertProcessing, found " + (type.isEmpty() ? JsonFiles.kind(p) : "type \"" + type + "\""));
        }
    }

    private static String pairToken(JsonNode p, String field, Path file) {
        JsonNode v = p.path(field);
        if (!v.isArray() || v.size() != 2 || !v.get(0).isTextual()) {
            throw new TokenizerException(file + ": field 'post_processor." + field + "': expected [token, id], found "
                    + JsonFiles.kind(v));
        }
        return v.get(0).textValue();
    }

    /** Checks {@code [CLS]:0 A:0 [SEP]:0 (B:1 [SEP]:1)} and returns {@code {cls, sep}}. */
    private static String[] template(JsonNode t, Path file, String field, boolean pair) {
        String[][] expected = pair
                ? new String[][] {{"SpecialToken", null, "0"}, {"Sequence", "A", "0"}, {"SpecialToken", null, "0"},
                        {"Sequence", "B", "1"}, {"SpecialToken", null, "1"}}
                : new String[][] {{"SpecialToken", null, "0"}, {"Sequence", "A", "0"}, {"SpecialToken", null, "0"}};
        String shape = pair ? "[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1" : "[CLS]:0 $A:0 [SEP]:0";
        if (!t.isArray() || t.size() != expected.length) {
            throw new TokenizerException(file + ": field '" + field + "': expected the BERT template " + shape
                    + ", found " + (t.isArray() ? t.size() + " pieces" : JsonFiles.kind(t)));
        }
        String[] specials = new String[expected.length];
        for (int i = 0; i < expected.length; i++) {
            JsonNode piece = t.get(i).path(expected[i][0]);
            String id = piece.path("id").asText(null);
            String typeId = piece.path("type_id").asText(null);
            boolean ok = piece.isObject() && id != null && expected[i][2].equals(typeId)
                    && (expected[i][1] == null || expected[i][1].equals(id));
            if (!ok) {
                throw new TokenizerException(file + ": field '" + field + "[" + i + "]': expected the BERT template "
                        + shape + ", found " + t.get(i));
            }
            specials[i] = id;
        }
        if (pair && !specials[2].equals(specials[4])) {
            throw new TokenizerException(file + ": field '" + field + "': expected the same separator twice, found "
                    + specials[2] + " and " + specials[4]);
        }
        return new String[] {specials[0], specials[2]};
    }

    private static List<String> addedTokens(JsonNode added, List<String> vocab, Path file) {
        List<String> out = new ArrayList<>();
        if (added.isMissingNode() || added.isNull()) {
            return out;
        }
        if (!added.isArray()) {
            throw new TokenizerException(file + ": field 'added_tokens': expected an array, found "
                    + JsonFiles.kind(added));
        }
        for (int i = 0; i < added.size(); i++) {
            JsonNode t = added.get(i);
            String field = "added_tokens[" + i + "]";
            String content = JsonFiles.string(t, "content", file, field + ".");
            if (!JsonFiles.bool(t, "special", file, field + ".", false)) {
                throw new TokenizerException(file + ": field '" + field + "': only special added tokens are supported, "
                        + "found the non-special token \"" + content + "\"");
            }
            for (String flag : List.of("lstrip", "rstrip", "single_word")) {
                if (JsonFiles.bool(t, flag, file, field + ".", false)) {
                    throw new TokenizerException(file + ": field '" + field + "." + flag + "': only false is supported, "
                            + "found true (token \"" + content + "\")");
                }
            }
            int id = t.path("id").asInt(-1);
            if (id < 0 || id >= vocab.size() || !vocab.get(id).equals(content)) {
                throw new TokenizerException(file + ": field '" + field + "': expected a token of the vocabulary with "
                        + "its id, found \"" + content + "\" with id " + t.path("id"));
            }
            out.add(content);
        }
        return out;
    }
}
