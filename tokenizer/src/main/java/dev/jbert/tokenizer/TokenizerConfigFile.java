package dev.jbert.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model folder's {@code tokenizer_config.json} and {@code special_tokens_map.json} (whose tokens
 * win, as in {@code from_pretrained}), read into {@link TokenizerOptions}; and written back as
 * {@code save_pretrained} writes them for a {@code BertTokenizer}.
 */
final class TokenizerConfigFile {
    static final String CONFIG = "tokenizer_config.json";
    static final String SPECIAL_TOKENS_MAP = "special_tokens_map.json";
    static final String ADDED_TOKENS = "added_tokens.json";
    /** HF's {@code VERY_LARGE_INTEGER}, {@code int(1e30)}: the {@code model_max_length} of "no limit". */
    static final BigInteger VERY_LARGE_INTEGER = new BigInteger("1000000000000000019884624838656");

    private TokenizerConfigFile() {
    }

    /** {@code base} updated with what the folder's files say; files that are absent change nothing. */
    static TokenizerOptions read(Path dir, TokenizerOptions base) {
        TokenizerOptions o = base;
        Path config = dir.resolve(CONFIG);
        if (Files.isRegularFile(config)) {
            o = applyConfig(JsonFiles.read(config), config, o);
        }
        Path map = dir.resolve(SPECIAL_TOKENS_MAP);
        if (Files.isRegularFile(map)) {
            o = applySpecialTokens(JsonFiles.read(map), map, o);
        }
        Path added = dir.resolve(ADDED_TOKENS);
        if (Files.isRegularFile(added)) {
            JsonNode a = JsonFiles.read(added);
            if (!a.isEmpty()) {
                throw new TokenizerException(added + ": added tokens beyond the vocabulary are not supported: expected "
                        + "an empty object, found " + a.size() + " token(s), e.g. '" + a.fieldNames().next() + "'");
            }
        }
        return o;
    }

    private static TokenizerOptions applyConfig(JsonNode c, Path file, TokenizerOptions o) {
        if (!JsonFiles.bool(c, "do_basic_tokenize", file, "", true)) {
            throw new TokenizerException(file + ": field 'do_basic_tokenize': only true is supported, found false");
        }
        if (!JsonFiles.bool(c, "do_split_on_punc", file, "", true)) {
            throw new TokenizerException(file + ": field 'do_split_on_punc': only true is supported, found false");
        }
        o = o.withLowercase(JsonFiles.bool(c, "do_lower_case", file, "", o.lowercase()))
                .withStripAccents(JsonFiles.nullableBool(c, "strip_accents", file, "", o.stripAccents()))
                .withTokenizeChineseChars(JsonFiles.bool(c, "tokenize_chinese_chars", file, "", o.tokenizeChineseChars()))
                .withCleanUpTokenizationSpaces(JsonFiles.bool(c, "clean_up_tokenization_spaces", file, "",
                        o.cleanUpTokenizationSpaces()));
        JsonNode max = c.get("model_max_length");
        if (max != null && !max.isNull()) {
            o = o.withModelMaxLength(modelMaxLength(max, file));
        }
        JsonNode never = c.get("never_split");
        if (never != null && !never.isNull()) {
            o = o.withNeverSplit(strings(never, file, "never_split"));
        }
        o = applySpecialTokens(c, file, o);
        JsonNode added = c.get("added_tokens_decoder");
        if (added != null && !added.isNull()) {
            if (!added.isObject()) {
                throw new TokenizerException(file + ": field 'added_tokens_decoder': expected an object, found "
                        + JsonFiles.kind(added));
            }
            for (Map.Entry<String, JsonNode> e : added.properties()) {
                String field = "added_tokens_decoder." + e.getKey();
                JsonNode t = e.getValue();
                if (!JsonFiles.bool(t, "special", file, field + ".", false)) {
                    throw new TokenizerException(file + ": field '" + field + "': only special added tokens are "
                            + "supported, found the non-special token " + t.path("content"));
                }
            }
        }
        return o;
    }

    private static int modelMaxLength(JsonNode max, Path file) {
        if (!max.isNumber()) {
            throw new TokenizerException(file + ": field 'model_max_length': expected a positive number, found "
                    + JsonFiles.kind(max));
        }
        double v = max.doubleValue();
        if (!(v >= 1)) {
            throw new TokenizerException(file + ": field 'model_max_length': expected a positive number, found " + max);
        }
        return v >= Integer.MAX_VALUE ? TokenizerOptions.UNLIMITED : (int) v;
    }

    private static TokenizerOptions applySpecialTokens(JsonNode c, Path file, TokenizerOptions o) {
        String unk = c.has("unk_token") ? JsonFiles.token(c.get("unk_token"), file, "unk_token") : o.unkToken();
        String cls = c.has("cls_token") ? JsonFiles.token(c.get("cls_token"), file, "cls_token") : o.clsToken();
        String sep = c.has("sep_token") ? JsonFiles.token(c.get("sep_token"), file, "sep_token") : o.sepToken();
        String pad = c.has("pad_token") ? JsonFiles.token(c.get("pad_token"), file, "pad_token") : o.padToken();
        String mask = c.has("mask_token") ? JsonFiles.token(c.get("mask_token"), file, "mask_token") : o.maskToken();
        List<String> additional = o.additionalSpecialTokens();
        JsonNode extra = c.get("additional_special_tokens");
        if (extra != null && !extra.isNull()) {
            additional = tokens(extra, file, "additional_special_tokens");
        }
        String[] names = {"unk_token", "cls_token", "sep_token", "pad_token"};
        String[] values = {unk, cls, sep, pad};
        for (int i = 0; i < names.length; i++) {
            if (values[i] == null) {
                throw new TokenizerException(file + ": field '" + names[i] + "': a BERT tokenizer needs one, found null");
            }
        }
        return o.withSpecialTokens(unk, cls, sep, pad, mask, additional);
    }

    private static List<String> strings(JsonNode v, Path file, String field) {
        if (!v.isArray()) {
            throw new TokenizerException(file + ": field '" + field + "': expected an array of strings, found "
                    + JsonFiles.kind(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                throw new TokenizerException(file + ": field '" + field + "[" + i + "]': expected a string, found "
                        + JsonFiles.kind(v.get(i)));
            }
            out.add(v.get(i).textValue());
        }
        return out;
    }

    private static List<String> tokens(JsonNode v, Path file, String field) {
        if (!v.isArray()) {
            throw new TokenizerException(file + ": field '" + field + "': expected an array of tokens, found "
                    + JsonFiles.kind(v));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            String t = JsonFiles.token(v.get(i), file, field + "[" + i + "]");
            if (t == null) {
                throw new TokenizerException(file + ": field '" + field + "[" + i + "]': expected a token, found null");
            }
            out.add(t);
        }
        return out;
    }

    /** {@code tokenizer_config.json} and {@code special_tokens_map.json} as {@code save_pretrained} writes them. */
    static void write(Path dir, TokenizerOptions o, Vocabulary vocab) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        TreeMap<String, JsonNode> config = new TreeMap<>();
        TreeMap<Integer, JsonNode> addedTokens = new TreeMap<>(); // Python sorts the int ids, then writes them as strings
        List<String> specials = new ArrayList<>(List.of(o.padToken(), o.unkToken(), o.clsToken(), o.sepToken()));
        if (o.maskToken() != null && vocab.contains(o.maskToken())) {
            specials.add(o.maskToken());
        }
        specials.addAll(o.additionalSpecialTokens());
        for (String s : specials) {
            ObjectNode t = f.objectNode();
            t.put("content", s);
            t.put("lstrip", false);
            t.put("normalized", false);
            t.put("rstrip", false);
            t.put("single_word", false);
            t.put("special", true);
            addedTokens.put(vocab.id(s), t);
        }
        ObjectNode added = f.objectNode();
        addedTokens.forEach((id, t) -> added.set(Integer.toString(id), t));
        config.put("added_tokens_decoder", added);
        config.put("clean_up_tokenization_spaces", f.booleanNode(o.cleanUpTokenizationSpaces()));
        config.put("do_basic_tokenize", f.booleanNode(true));
        config.put("do_lower_case", f.booleanNode(o.lowercase()));
        config.put("extra_special_tokens", f.objectNode());
        config.put("model_max_length", o.modelMaxLength() == TokenizerOptions.UNLIMITED
                ? f.numberNode(VERY_LARGE_INTEGER) : f.numberNode(o.modelMaxLength()));
        if (o.neverSplit().isEmpty()) {
            config.put("never_split", f.nullNode());
        } else {
            ArrayNode never = f.arrayNode();
            o.neverSplit().forEach(never::add);
            config.put("never_split", never);
        }
        config.put("strip_accents", o.stripAccents() == null ? f.nullNode() : f.booleanNode(o.stripAccents()));
        config.put("tokenize_chinese_chars", f.booleanNode(o.tokenizeChineseChars()));
        config.put("tokenizer_class", f.textNode("BertTokenizer"));
        TreeMap<String, JsonNode> map = new TreeMap<>();
        map.put("cls_token", f.textNode(o.clsToken()));
        if (o.maskToken() != null && vocab.contains(o.maskToken())) {
            map.put("mask_token", f.textNode(o.maskToken()));
        }
        map.put("pad_token", f.textNode(o.padToken()));
        map.put("sep_token", f.textNode(o.sepToken()));
        map.put("unk_token", f.textNode(o.unkToken()));
        if (!o.additionalSpecialTokens().isEmpty()) {
            ArrayNode extra = f.arrayNode();
            o.additionalSpecialTokens().forEach(extra::add);
            map.put("additional_special_tokens", extra);
        }
        config.putAll(map);
        ObjectNode configNode = f.objectNode();
        new TreeMap<>(config).forEach(configNode::set);
        ObjectNode mapNode = f.objectNode();
        map.forEach(mapNode::set);
        AtomicFiles.writeString(dir.resolve(CONFIG), JsonFiles.write(configNode));
        AtomicFiles.writeString(dir.resolve(SPECIAL_TOKENS_MAP), JsonFiles.write(mapNode));
    }
}
